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
    config_with_partitions <<CFG
$(screen_while_spinning)
CFG
}

check() {
    expect_exit 0
    expect_prefix "bulkhead: loaded bulkhead.elf "
    expect_line "bulkhead: [spin] hostile-spin: interrupts off, spinning forever"
    expect_line "bulkhead: partition spin: stopped (time limit reached)"
    expect_partition_summary 1 1 0 "spin:-"
    expect_screen_shows_console
}
