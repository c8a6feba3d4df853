# No serial console (serial = none): the screen and the PS/2 keyboard are
# the operator's console. dom0 owns the framebuffer and the keyboard; once
# its prompt is on the screen, commands are typed at the emulated keyboard
# (X key events into Bochs's window, which Bochs turns into scancodes):
# `list` and `help` run, their output is read off the screen, and
# `poweroff` ends the run. The core's serial line stays silent throughout,
# so tools/run.sh finds no summary there and exits 1 once the machine is
# off; a machine the typed `poweroff` did not reach ends at the timeout
# (124) instead.
EMU=bochs
CPUS=1
TIMEOUT=150
RUN_ARGS=(--display x --serial-script "$WORK/keys.script")

prepare() {
    config_with_partitions <<CFG
$(dom0_partition 'devices = framebuffer, keyboard')
CFG
    sed -i -E 's/^serial = 0x3f8$/serial = none/' "$CONFIG"
    grep -qx 'serial = none' "$CONFIG" || return 1
    printf '%s\n' "screen dom0>" "key list\\r" "screen dom0: partition 1 dom0 running" \
        "key help\\r" "screen dom0: commands: list; stats NAME" "screenshot $WORK/screen.ppm" \
        "key poweroff\\r" >"$WORK/keys.script"
}

check() {
    local screen
    expect_exit 1
    screen=$(tools/fbtext.py "$WORK/screen.ppm" build/font.bin) ||
        { fail "the screen cannot be read"; return; }
    grep -qF "dom0: keyboard: the operator's input, IRQ 1" <<<"$screen" ||
        fail "the screen does not say dom0 reads the keyboard on IRQ 1"
    grep -qE "dom0> list$" <<<"$screen" || fail "the screen shows no typed 'list'"
    grep -qE "dom0: partition 1 dom0 running, 1 cpu\(s\), 4 MiB, [0-9]+ exits, no exit status" \
        <<<"$screen" || fail "the screen shows no output of 'list'"
    grep -qE "dom0> help$" <<<"$screen" || fail "the screen shows no typed 'help'"
    grep -qF "dom0: commands: list; stats NAME" <<<"$screen" || fail "the screen shows no output of 'help'"
    expect_no_prefix "bulkhead: core started"
}
