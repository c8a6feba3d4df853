# The privileged partition's config names the host bridge, which is the
# chipset's and no device to own: the core, which reads the function's class
# code, names the file, the line, the function and its class, and starts no
# partition, as for an absent function.
EMU=bochs
CPUS=2
TIMEOUT=180

prepare() {
    config_with_partitions <<CFG
$(owner_partition 'time_limit = 60' 'devices = serial 0x2f8, pci 00:00.0 dma')

$(intruder_partition 'time_limit = 60')
CFG
}
check() {
    local line
    line=$(grep -n '^devices = ' "$CONFIG" | cut -d: -f1)
    expect_exit 0
    expect_line "bulkhead: error: bulkhead.cfg:$line: device 'pci 00:00.0 dma' of partition 'owner' is a host bridge (class 0x0600), which no partition may own"
    expect_line "bulkhead: error: no partition starts"
    expect_no_prefix "bulkhead: partition owner: owns"
    expect_no_prefix "bulkhead: partition owner: running"
    expect_partition_summary 0 0 0
}
