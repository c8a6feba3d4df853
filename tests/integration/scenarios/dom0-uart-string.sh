# String port I/O of an unmodified guest: REP OUTSB and REP OUTSW print
# lines through dom0's 16550 model, REP INSB reads loopback data and the
# scratch register back, and the guest checks RSI/RDI/RCX after each
# instruction (DF set, 32-bit addresses, no REP, an unclaimed port, a count
# longer than one batch) and the #PF of an unmapped buffer. A second
# partition points REP OUTSB beyond its RAM and is stopped with a report.
EMU=bochs
CPUS=3

prepare() {
    config_with_partitions <<CFG
$(dom0_partition 'time_limit = 120')

[partition uart]
cpus = 1
memory = 4M
image = uart-string.elf
emulate = uart 0x3f8
mode = full
console = debugcon
time_limit = 120

[partition outside]
cpus = 2
memory = 4M
image = uart-string.elf
emulate = uart 0x3f8
mode = full
console = debugcon
time_limit = 120
CFG
}

check() {
    expect_exit 0
    expect_line "bulkhead: [uart] uart-string: a line written with rep outsb"
    expect_line "bulkhead: [uart] uart-string: a line written with rep outsw"
    expect_line "bulkhead: [uart] PASS memcmp(received, \"abcdef\\0\", 8) == 0"
    expect_line "bulkhead: [uart] PASS memcmp(received, \"fedcba\\0\", 8) == 0"
    expect_line "bulkhead: [uart] PASS r.index == (uint64_t)sent - 1"
    expect_line "bulkhead: [uart] PASS memcmp(received, \"xyz\\0\", 4) == 0"
    expect_line "bulkhead: [uart] PASS received[0] == 'Z'"
    expect_line "bulkhead: [uart] PASS r.count == 77"
    expect_line "bulkhead: [uart] PASS all_ones(dwords, LONG_COUNT)"
    expect_line "bulkhead: [uart] PASS cpu_rep_insb(COM1_SCRATCH, (void *)UNMAPPED, 4) raises #PF"
    expect_line "bulkhead: [uart] PASS cpu_rep_outsb(COM1_SCRATCH, (const void *)UNMAPPED, 4) raises #PF"
    expect_line "bulkhead: [uart] PASS fault_catcher.error_code == PF_WRITE"
    expect_count "^bulkhead: \[uart\] PASS " "$(grep -c "^ *EXPECT_" guests/uart-string/main.c)"
    expect_partition_passed uart
    expect_line "bulkhead: [outside] uart-string: rep outsb from beyond the end of RAM"
    expect_partition_crashed outside 2 "30 (I/O instruction): a string I/O buffer lies outside the partition's RAM"
    # REP OUTS/INS to COM1 reached dom0 as blocks, not element by element.
    expect_count "^bulkhead: \[dom0\] dom0: [0-9]+ requests answered, [1-9][0-9]* of them string blocks$" 1
    expect_partition_passed dom0
    expect_partition_summary 3 2 1 "dom0:0,uart:0,outside:-"
}
