# The hypervisor's own screen under Bochs: with a screen (--display x) the
# firmware offers a GOP framebuffer, and the hypervisor mirrors its log there
# from its first line on, a partition's lines included, while VT-x runs. A
# partition that spins until its time limit keeps the machine up while the
# screen is read; the screenshot must show, pixel for pixel, the last rows
# the hypervisor had printed on the serial line by then.
EMU=bochs
CPUS=2
RUN_ARGS=(--display x --serial-script "$WORK/screen.script")

prepare() {
    config_with_partitions <<'CFG'
[partition spin]
cpus = 1
memory = 4M
image = hostile-spin.elf
time_limit = 10
CFG
    printf '%s\n' "expect hostile-spin: interrupts off, spinning forever" \
        "screenshot $WORK/screen.ppm" >"$WORK/screen.script"
}

check() {
    expect_exit 0
    expect_prefix "bulkhead: loaded bulkhead.elf "
    expect_line "bulkhead: [spin] hostile-spin: interrupts off, spinning forever"
    expect_line "bulkhead: partition spin: stopped (time limit reached)"
    local verdict
    verdict=$(tools/fbcheck.py "$WORK/screen.ppm" build/font.bin "$WORK/screen.ppm.console" 2>&1) ||
        fail "the screen does not show the log: $verdict"
}
