# A full partition floods dom0's 16550 model with requests while another
# drives its own UART by interrupts. dom0's boot script waits, serving,
# until the flooder's time limit has stopped it in the middle of a request,
# then starts it again: dom0 sees it running from the command on and serves
# the new run too, the interrupt-driven guest passes, and dom0 refuses no
# request and ends cleanly.
EMU=bochs
CPUS=3

prepare() {
    config_with_partitions <<CFG
$(dom0_partition 'time_limit = 120' 'script = wait flood stopped; start flood')

[partition flood]
cpus = 1
memory = 4M
image = uart-flood.elf
emulate = uart 0x3f8
mode = full
console = none
time_limit = 1

[partition uart]
cpus = 2
memory = 4M
image = uart-irq.elf
emulate = uart 0x3f8
mode = full
console = none
time_limit = 120
CFG
}

check() {
    expect_exit 0
    expect_line "bulkhead: [dom0] dom0: flood is stopped"
    expect_line "bulkhead: [dom0] dom0: start flood: ok"
    expect_count "^bulkhead: partition flood: stopped \\(time limit reached\\)\$" 2
    # Both runs were served: dom0 did not end between them.
    expect_count "^bulkhead: \\[flood\\] uart-flood: run starts\$" 2
    expect_uart_irq_passed uart
    expect_line "bulkhead: [dom0] dom0: every other partition has stopped; 0 bad requests refused"
    expect_partition_passed dom0
    expect_partition_summary 3 3 0 dom0:0,flood:-,uart:0
}
