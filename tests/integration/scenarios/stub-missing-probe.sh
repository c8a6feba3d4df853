# A config that names a probe image the ESP does not hold: the stub names
# the missing file and starts nothing.
EMU=qemu-tcg
CPUS=1
MEM=512
TIMEOUT=60
CONFIG=$WORK/bulkhead.cfg
IMAGE_ARGS=("${FIRMWARE_POWEROFF[@]}")

prepare() {
    config_setting probe missing-probe.bin
}

check() {
    expect_stub_error missing-probe.bin
}
