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

$(screen_while_spinning)
CFG
}

check() {
    expect_exit 0
    expect_prefix "bulkhead: partition dom0: owns framebuffer: "
    expect_prefix "bulkhead: [dom0] dom0: framebuffer: drew "
    expect_line "bulkhead: partition spin: stopped (time limit reached)"
    expect_no_prefix "bulkhead: console: partition dom0 prints the log"
    expect_partition_passed dom0
    expect_partition_summary 2 2 0 "dom0:0,spin:-"
    expect_screen_shows_console --console
}
