# A partition that is not the privileged one names devices: the stub names
# the file, the line and the rule before anything starts.
EMU=qemu-tcg
CPUS=2
TIMEOUT=60
IMAGE_ARGS=("${FIRMWARE_POWEROFF[@]}")

prepare() {
    config_with_partitions <<CFG
$(owner_partition)

[partition guest]
cpus = 1
memory = 4M
image = healthy.elf
devices = serial 0x2f8
CFG
}
check() {
    local line
    line=$(grep -n '^devices = serial 0x2f8$' "$CONFIG" | cut -d: -f1)
    expect_line "bulkhead: error: bulkhead.cfg:$line: partition 'guest' may not own devices: only the privileged partition (privileged = yes) may"
    expect_no_prefix "bulkhead: core started"
    expect_exit 1 124
}
