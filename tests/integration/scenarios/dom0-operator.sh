# The operator's console: dom0 owns the hypervisor's serial port, takes the
# console over and prints the log itself; an operator (tools/serial-console.py)
# types at it: help, list, a full partition's console attached and detached
# with Ctrl-] twice, lines typed to its interrupt-driven 16550, a pv
# partition's console (the input half of its console ring), stats, and
# poweroff.
EMU=bochs
CPUS=3
RUN_ARGS=(--serial-script "$WORK/operator.script")

prepare() {
    config_with_partitions <<CFG
$(dom0_partition 'devices = serial 0x3f8' 'time_limit = 300')

[partition echo]
cpus = 1
memory = 4M
image = uart-echo.elf
emulate = uart 0x3f8
mode = full
console = none
time_limit = 300

[partition pvecho]
cpus = 2
memory = 4M
image = pv-echo.elf
mode = pv
time_limit = 300
CFG
    cat >"$WORK/operator.script" <<'SCRIPT'
expect dom0> 
send help\r
expect dom0: commands: list
expect dom0> 
send list\r
expect dom0: partition 2 echo running
expect dom0> 
send console echo\r
expect dom0: console attached to echo
send hello\r
expect uart-echo: got 'hello'
send \x1d
expect dom0: console detached from echo
expect dom0> 
send console echo\r
expect dom0: console attached to echo
send quit\r
expect uart-echo: got 'quit'
send \x1d
expect dom0> 
send console pvecho\r
expect dom0: console attached to pvecho
send hi there\r
expect pv-echo: got 'hi there'
send quit\r
expect pv-echo: got 'quit'
send \x1d
expect dom0> 
send stats echo\r
expect exit status 0
expect dom0> 
send poweroff\r
SCRIPT
}

check() {
    expect_exit 0
    expect_line "bulkhead: partition dom0: owns serial 0x3f8: ports 0x3f8-0x3ff open (the console, once it takes it over)"
    expect_line "bulkhead: console: partition dom0 prints the log from here on"
    expect_line "bulkhead: [dom0] dom0: the console is dom0's now: type 'help' for the commands"
    expect_line "bulkhead: [dom0] dom0: console input: IRQ 4"
    # Typed bytes interrupted. The UART interrupts for each byte it receives
    # (trigger level 1) and the script types 2 ms apart, so nearly every
    # byte interrupts; at least half must, since dom0 also reads the UART
    # on idle rounds and a byte may come while it is reading.
    local delivered typed
    typed=$(sed -n 's/^send //p' "$WORK/operator.script" |
        python3 -c 'import sys; print(sum(len(l.rstrip("\n").encode().decode("unicode_escape")) for l in sys.stdin))')
    delivered=$(log_lines | sed -nE 's/^bulkhead: partition dom0: IRQ 4 masked again, ([0-9]+) interrupts delivered$/\1/p')
    [ "${delivered:-0}" -ge $(((typed + 1) / 2)) ] ||
        fail "IRQ 4 delivered '${delivered}' interrupts to dom0 for $typed typed bytes, expected $(((typed + 1) / 2)) or more"
    expect_prefix "dom0> help"
    expect_prefix "dom0> list"
    expect_line "bulkhead: [dom0] dom0: console attached to echo: Ctrl-] detaches"
    expect_line "bulkhead: [echo] uart-echo: got 'hello'"
    expect_line "bulkhead: [echo] uart-echo: got 'quit'"
    expect_count "^bulkhead: \\[dom0\\] dom0: console detached from echo\$" 2
    expect_line "bulkhead: [dom0] dom0: console detached from pvecho"
    expect_line "bulkhead: partition echo: stopped (exit status 0)"
    expect_line "bulkhead: [pvecho] pv-echo: got 'hi there'"
    expect_line "bulkhead: [pvecho] pv-echo: got 'quit'"
    expect_line "bulkhead: partition pvecho: stopped (exit status 0)"
    expect_prefix "bulkhead: [dom0] dom0: stats echo: exits "
    expect_line "bulkhead: console: back with the hypervisor: the run of partition dom0 ended"
    expect_partition_summary 3 3 0 dom0:-,echo:0,pvecho:0
}
