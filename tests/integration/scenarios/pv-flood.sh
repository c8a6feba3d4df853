# Two pv partitions flood at full speed for a second: each sends the event
# of its console port to dom0's console backend and writes console lines
# through the hypervisor, back to back. Beside them a full partition prints
# numbered lines through the 16550 dom0 emulates. The buckets keep the
# flood from starving anyone: the full guest's lines all reach dom0 and the
# serial, its last one too, each flooder's dropped console output is
# counted on a line of its own, dom0 serves to the end, and the machine
# powers off cleanly.
EMU=bochs
CPUS=4

prepare() {
    config_with_partitions <<CFG
$(dom0_partition 'time_limit = 300')

[partition uart]
cpus = 1
memory = 4M
image = uart-lines.elf
emulate = uart 0x3f8
mode = full
console = none
time_limit = 300

[partition flood1]
cpus = 2
memory = 4M
image = pv-flood.elf
mode = pv
time_limit = 300

[partition flood2]
cpus = 3
memory = 4M
image = pv-flood.elf
mode = pv
time_limit = 300
CFG
}

# The number of lines guests/uart-lines prints, read from its source.
uart_lines() {
    sed -nE 's/^#define UART_LINES[[:space:]]+([0-9]+).*/\1/p' guests/uart-lines/main.c
}

check() {
    local lines flood
    lines=$(uart_lines)
    expect_exit 0
    expect_line "bulkhead: [uart] uart-lines: line 1 of $lines"
    expect_line "bulkhead: [uart] uart-lines: line $lines of $lines"
    expect_count "^bulkhead: \\[uart\\] uart-lines: line [0-9]+ of $lines\$" "$lines"
    expect_prefix "bulkhead: [uart] uart-lines: bench "
    for flood in flood1 flood2; do
        expect_line "bulkhead: [$flood] pv-flood: flooding"
        # The flood ran into the bucket: its excess was dropped and counted.
        expect_count_at_least "^bulkhead: \\[$flood\\] \\([1-9][0-9]* bytes of console output dropped\\)\$" 1
        expect_prefix "bulkhead: [$flood] pv-flood: done: "
        expect_partition_passed "$flood"
    done
    # The full guest was done while the flood still ran.
    expect_order "bulkhead: [uart] uart-lines: line $lines of $lines" \
        "bulkhead: [flood1] pv-flood: done: "
    expect_line "bulkhead: partition uart: stopped (exit status 0)"
    expect_line "bulkhead: [dom0] dom0: every other partition has stopped; 0 bad requests refused"
    expect_partition_passed dom0
    expect_partition_summary 4 4 0 dom0:0,uart:0,flood1:0,flood2:0
}
