# The privileged partition owns the PCI network card with `dma`: the log
# says that with no IOMMU this trusts it with all memory, it still finds
# bus mastering off when it starts (the stub's pass), and its write of the
# bus-master bit reaches the card. Its other checks of device-ownership
# (BARs, configuration space, the card's INTx) hold as well.
EMU=bochs
CPUS=1
TIMEOUT=240
E1000_BAR0=0x80000000
COM2_LOG=$WORK/com2.log
RUN_ARGS=(--e1000 yes --com2 "$COM2_LOG")

prepare() {
    config_with_partitions <<CFG
$(owner_partition 'time_limit = 120' 'devices = serial 0x2f8, pci 00:02.0 dma' 'script = dma')
CFG
}
check() {
    expect_exit 0
    expect_line "bulkhead: partition owner: owns pci 00:02.0 dma: bus mastering allowed: with no IOMMU its DMA reaches all memory, the hypervisor's and every partition's, so owner is trusted with all of it"
    expect_line "bulkhead: [owner] PASS command & COMMAND_BUS_MASTER == 0"
    expect_line "bulkhead: [owner] PASS command_after & COMMAND_BUS_MASTER == master_expected"
    expect_prefix "bulkhead: [owner] dev-owner: pci config: own function id 0x100e8086, 00:00.0 reads 0xffffffff, BAR0 stays $E1000_BAR0, command 0x"
    expect_no_prefix "bulkhead: [owner] FAIL"
    expect_partition_passed owner
}
