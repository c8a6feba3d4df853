# A config that names a probe image the ESP does not hold: the stub names
# the missing file and starts nothing.
EMU=qemu-tcg
CPUS=1
MEM=512
TIMEOUT=60
CONFIG=$WORK/bulkhead.cfg
IMAGE_ARGS=("${FIRMWARE_POWEROFF[@]}")

prepare() {
    sed -E 's/^([[:space:]]*probe[[:space:]]*=).*/\1 missing-probe.bin/' \
        config/bulkhead.cfg >"$CONFIG"
    grep -qE '^[[:space:]]*probe[[:space:]]*= missing-probe.bin$' "$CONFIG"
}

check() {
    expect_stub_error missing-probe.bin
}
