# The privileged partition owns a second 16550 (COM2) and a PCI network card
# (config `devices`): it reaches the UART's registers and writes a line out
# of it with no I/O exit, binds the UART's IRQ 3 to a vector of its own
# (HC_DEVICE_IRQ_BIND) and gets its THR-empty interrupts there, sends a line
# one byte per interrupt, is refused an IRQ it does not own and gets nothing
# once it unbinds; writes and reads back a register of the card
# through its memory BAR (mapped at the host-physical address) and reads its
# I/O BAR (ports open) without an exit. In PCI configuration space it sees
# its own function only, cannot move a BAR, finds bus mastering off and
# cannot turn it on.
# The card's INTx, on the IRQ the firmware wrote into its interrupt line
# register, is level-triggered: bound to a vector, raised through the card's
# ICS register, it arrives once and stays masked while the card holds the
# line, arrives again when unmasked still asserted, not at all once ICR is
# read and the line unmasked, and once more for the next cause.
# A partition that owns nothing gets the bare-metal answer from the
# same UART's trapped ports and is stopped on an EPT violation when it reads
# the card's memory BAR.
EMU=bochs
CPUS=2
TIMEOUT=240
COM2_LOG=$WORK/com2.log
RUN_ARGS=(--e1000 yes --com2 "$COM2_LOG")
# Where the firmware puts the card's memory BAR under Bochs; the owner's
# report of its BAR must say the same, so the intruder aims at the real one.
E1000_BAR0=0x80000000
# What guests/dev-owner/irq.c sends one byte per interrupt.
IRQ_LINE="dev-owner: sent one byte per interrupt on IRQ 3"

prepare() {
    config_with_partitions <<CFG
$(owner_partition 'time_limit = 120' 'devices = serial 0x2f8, pci 00:02.0')

$(intruder_partition 'time_limit = 120' "script = $E1000_BAR0")
CFG
}
# Bochs+OVMF has no MADT: the standard IOAPIC, masked until someone binds.
check_interrupts() {
    local bytes=$((${#IRQ_LINE} + 1)) sent_by
    expect_line "bulkhead: ioapic: no MADT entry; using the standard IOAPIC at 0xfec00000, ISA IRQ n on pin n"
    expect_prefix_with "bulkhead: ioapic: 0xfec00000 version 0x" "pins, all masked"
    expect_line "bulkhead: [owner] dev-owner: IRQ 4 of no owned device refused (-3), vector 7 refused (-1)"
    expect_line "bulkhead: partition owner: IRQ 3 (serial 0x2f8) bound to its vector 0x50 on cpu0"
    expect_prefix "bulkhead: [owner] dev-owner: IRQ 3 arrived at vector 0x50: "
    expect_line "bulkhead: [owner] PASS arrived"
    sent_by=$(first_match "^bulkhead: \\[owner\\] dev-owner: a line of $bytes bytes sent by [0-9]+ interrupts$" |
        sed -nE 's/.* sent by ([0-9]+) interrupts$/\1/p')
    [ -n "$sent_by" ] && [ "$sent_by" -ge "$bytes" ] ||
        fail "no line of $bytes bytes sent by at least $bytes interrupts"
    expect_prefix "bulkhead: partition owner: IRQ 3 masked again, "
    expect_line "bulkhead: [owner] dev-owner: IRQ 3 unbound: 0 interrupts while its UART asked for one"
    grep -xF "$IRQ_LINE" <(tr -d '\r' <"$COM2_LOG") >/dev/null ||
        fail "COM2 did not receive the line sent by interrupts"
}

# The IRQ is the firmware's choice (OVMF routes the slot's INTA# through the
# PIIX's link registers): take it from the hypervisor's line, and the owner
# must have read the same one from configuration space.
check_pci_interrupts() {
    local owns="bulkhead: partition owner: owns pci 00:02.0: IRQ " irq
    irq=$(first_match "^$owns[0-9]+ \\(its interrupt line register\\), level-triggered, active low\$" |
        sed -nE 's/.*: IRQ ([0-9]+) .*/\1/p')
    [ -n "$irq" ] || {
        fail "no line '${owns}N (its interrupt line register), level-triggered, active low'"
        return
    }
    expect_line "bulkhead: [owner] dev-owner: pci interrupt line register: IRQ $irq"
    expect_line "bulkhead: [owner] dev-owner: pci unmask refused before the bind (-4) and for IRQ 4 (-3)"
    expect_line "bulkhead: partition owner: IRQ $irq (pci 00:02.0) bound to its vector 0x51 on cpu0, level-triggered: unmasked by the owner after each"
    expect_line "bulkhead: [owner] dev-owner: pci IRQ $irq arrived at vector 0x51: 1 interrupt(s) while the card held its line"
    expect_line "bulkhead: [owner] dev-owner: pci IRQ $irq unmasked with its line still asserted: 2 interrupts"
    expect_prefix_with "bulkhead: [owner] dev-owner: pci ICR read (causes 0x" "line unmasked: 2 interrupts while the card was quiet"
    expect_line "bulkhead: [owner] dev-owner: pci IRQ $irq raised once more: 3 interrupts in all"
    expect_line "bulkhead: partition owner: IRQ $irq masked again, 3 interrupts delivered"
}

check() {
    expect_exit 0
    expect_line "bulkhead: partition owner: owns serial 0x2f8: ports 0x2f8-0x2ff open"
    expect_prefix "bulkhead: partition owner: owns pci 00:02.0: BAR0 memory $E1000_BAR0-0x"
    expect_prefix "bulkhead: partition owner: owns pci 00:02.0: BAR1 ports 0x"
    expect_line "bulkhead: [owner] dev-owner: serial 0x2f8: scratch register round trip, 0 I/O exits"
    expect_prefix "bulkhead: [owner] dev-owner: pci BAR0 memory at $E1000_BAR0: a register written and read back, status 0x"
    expect_prefix_with "bulkhead: [owner] dev-owner: pci BAR1 ports at 0x" ", 0 I/O exits"
    expect_line "bulkhead: [owner] PASS port_exits == 0"
    expect_prefix "bulkhead: [owner] dev-owner: pci config: own function id 0x100e8086, 00:00.0 reads 0xffffffff, BAR0 stays $E1000_BAR0, command 0x"
    expect_line "bulkhead: partition owner: owns pci 00:02.0: bus mastering off (no IOMMU to confine its DMA)"
    expect_line "bulkhead: [owner] PASS command & COMMAND_BUS_MASTER == 0"
    expect_line "bulkhead: [owner] PASS command_after & COMMAND_BUS_MASTER == master_expected"
    expect_line "bulkhead: [owner] PASS owned_exits == 0"
    expect_line "bulkhead: [owner] PASS unowned_exits == 1"
    expect_partition_passed owner
    grep -xF "dev-owner: written straight to its own 16550" <(tr -d '\r' <"$COM2_LOG") >/dev/null ||
        fail "COM2 did not receive the owner's line"
    check_interrupts
    check_pci_interrupts
    expect_line "bulkhead: [intruder] dev-intruder: serial 0x2f8 scratch register reads 0xff"
    expect_line "bulkhead: [intruder] dev-intruder: reading $E1000_BAR0"
    expect_partition_crashed intruder 1 "48 (EPT violation)"
    expect_line "bulkhead:   guest-physical address $E1000_BAR0"
    expect_no_prefix "bulkhead: error: partition owner"
    expect_partition_summary 2 1 1 owner:0,intruder:-
}
