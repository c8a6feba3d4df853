# A partition asks for a CPU the machine does not have: the stub names the
# file, the line and the CPU before anything starts.
EMU=qemu-tcg
CPUS=2
TIMEOUT=60
IMAGE_ARGS=("${FIRMWARE_POWEROFF[@]}")

prepare() {
    config_with_partitions <<'CFG'
[partition far]
cpus = 1, 5
memory = 4M
image = healthy.elf
CFG
}

check() {
    local line
    line=$(grep -n '^cpus = 1, 5$' "$CONFIG" | cut -d: -f1)
    expect_line "bulkhead: error: bulkhead.cfg:$line: cpu 5 is not present: this machine has $CPUS CPUs (cpu0-cpu$((CPUS - 1)))"
    expect_no_prefix "bulkhead: core started"
    expect_exit 1 124
}
