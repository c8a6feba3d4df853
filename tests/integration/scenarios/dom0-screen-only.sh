# dom0 owns the framebuffer but not the serial port: the hypervisor keeps
# printing its log on the serial line, and the screen shows the same log,
# drawn by dom0 from the log ring from the machine's boot on. A partition
# that spins until its time limit keeps the machine up while the screen is
# read; the screenshot must show, pixel for pixel, the last rows of what the
# serial line had printed by then.
EMU=bochs
CPUS=2
RUN_ARGS=(--display x --serial-script "$WORK/screen.script")

prepare() {
    config_with_partitions <<CFG
$(dom0_partition 'devices = framebuffer')

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
    expect_prefix "bulkhead: partition dom0: owns framebuffer: "
    expect_prefix "bulkhead: [dom0] dom0: framebuffer: drew "
    expect_line "bulkhead: partition spin: stopped (time limit reached)"
    expect_no_prefix "bulkhead: console: partition dom0 prints the log"
    local verdict
    verdict=$(tools/fbcheck.py --console "$WORK/screen.ppm" build/font.bin \
        "$WORK/screen.ppm.console" 2>&1) || fail "the screen does not show the log: $verdict"
}
