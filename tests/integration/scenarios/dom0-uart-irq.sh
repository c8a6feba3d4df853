# An unmodified guest's interrupt-driven serial console: it programs the
# emulated 8259 PIC and drives dom0's 16550 model by its THR-empty and
# received-data interrupts (loopback), and checks that a masked IRQ waits in
# the PIC until unmasked. dom0 raises the UART's interrupt line through
# HC_IRQ_LINE on every change.
EMU=bochs
CPUS=2

prepare() {
    config_with_partitions <<CFG
$(dom0_partition 'time_limit = 120')

[partition uart]
cpus = 1
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
    expect_line "bulkhead: [uart] uart-irq: interrupt-driven output through the emulated PIC"
    expect_uart_irq_passed uart
    expect_partition_passed dom0
    expect_partition_summary 2 2 0 dom0:0,uart:0
}
