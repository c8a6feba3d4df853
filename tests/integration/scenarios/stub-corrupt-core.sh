# A truncated core (its ELF headers promise segments the file does not
# hold): the stub refuses to load it, names it, and never jumps into it.
EMU=qemu-tcg
CPUS=1
MEM=512
TIMEOUT=60
IMAGE_ARGS=(--extra "$WORK/bulkhead.elf:bulkhead.elf" "${FIRMWARE_POWEROFF[@]}")

prepare() {
    head -c 2048 build/core.elf >"$WORK/bulkhead.elf"
}

check() {
    expect_stub_error bulkhead.elf
}
