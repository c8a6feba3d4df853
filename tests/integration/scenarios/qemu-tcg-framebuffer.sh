# The framebuffer console mirrors the log from the core's first line: the
# screen left after the power-off must show, pixel for pixel, the lines the
# core printed on the serial console, drawn in its 8x16 font.
EMU=qemu-tcg
CPUS=2
MEM=512
TIMEOUT=60
RUN_ARGS=(--screenshot "$WORK/screen.ppm")

check() {
    expect_exit 0
    expect_line "bulkhead: summary cpus=$CPUS vmx=0 guests=0 ok=0 failed=0 partitions=0 running=0 stopped=0 crashed=0"
    local verdict
    verdict=$(tools/fbcheck.py "$WORK/screen.ppm" build/font.bin "$LOG" 2>&1) ||
        fail "the screen does not show the log: $verdict"
}
