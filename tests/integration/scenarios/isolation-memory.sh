# Partitions that touch memory they do not own -- just past the end of their
# RAM, high addresses where hypervisor memory would be, the machine's HPET --
# are stopped on the EPT violation with a report, while a healthy partition
# beside them keeps printing to the end. The local APIC and I/O APIC pages
# are a full partition's own virtual ones: reading them gives their values,
# not the machine's.
EMU=bochs
CPUS=4

prepare() {
    config_with_partitions 0 <<'CFG'
[partition mem-end]
cpus = 1
memory = 4M
image = hostile-mem-end.elf

[partition mem-hv]
cpus = 2
memory = 4M
image = hostile-mem-hv.elf

[partition mem-mmio]
cpus = 3
memory = 4M
image = hostile-mem-mmio.elf
CFG
}

check() {
    expect_exit 0
    expect_healthy_partition healthy
    expect_line "bulkhead: [mem-end] hostile-mem-end: writing 0x55aa55aa to 0x400000"
    expect_partition_crashed mem-end 1 "48 (EPT violation)"
    expect_line "bulkhead:   guest-physical address 0x400000"
    expect_line "bulkhead: [mem-hv] hostile-mem-hv: writing 0x55aa55aa to 0x100001000"
    expect_partition_crashed mem-hv 2 "48 (EPT violation)"
    expect_line "bulkhead:   guest-physical address 0x100001000"
    expect_line "bulkhead: [mem-mmio] hostile-mem-mmio: local APIC version 0x60015, ID 0x0"
    expect_line "bulkhead: [mem-mmio] hostile-mem-mmio: I/O APIC version 0x170011"
    expect_line "bulkhead: [mem-mmio] hostile-mem-mmio: reading 0xfed00000"
    expect_partition_crashed mem-mmio 3 "48 (EPT violation)"
    expect_line "bulkhead:   guest-physical address 0xfed00000"
    expect_partition_summary 4 1 3 "healthy:0,mem-end:-,mem-hv:-,mem-mmio:-"
}
