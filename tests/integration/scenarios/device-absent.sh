# The privileged partition's config names a PCI function the machine does
# not have: the core, which can read PCI configuration space, names the
# file, the line and the function, and starts no partition.
EMU=bochs
CPUS=2
TIMEOUT=180

prepare() {
    config_with_partitions <<CFG
$(owner_partition 'time_limit = 60' 'devices = serial 0x2f8, pci 00:1f.7')

$(intruder_partition 'time_limit = 60')
CFG
}
check() {
    local line
    line=$(grep -n '^devices = ' "$CONFIG" | cut -d: -f1)
    expect_exit 0
    expect_line "bulkhead: error: bulkhead.cfg:$line: device 'pci 00:1f.7' of partition 'owner' is not present on this machine"
    expect_line "bulkhead: error: no partition starts"
    expect_no_prefix "bulkhead: partition owner: owns"
    expect_no_prefix "bulkhead: partition owner: running"
    expect_partition_summary 0 0 0
}
