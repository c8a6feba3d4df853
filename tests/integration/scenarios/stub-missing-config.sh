# An image without bulkhead.cfg: the stub says which file it could not read
# and returns to the firmware without starting the core.
EMU=qemu-tcg
CPUS=1
MEM=512
TIMEOUT=60
IMAGE_ARGS=(--omit bulkhead.cfg "${FIRMWARE_POWEROFF[@]}")

check() {
    expect_stub_error bulkhead.cfg
}
