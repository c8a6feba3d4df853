# dom0 owns the framebuffer and the serial console: the screen (the Cirrus
# card's GOP framebuffer in Bochs's window) shows the console from the
# hypervisor's first line on: the boot log, then what dom0 prints: the
# lines of a full partition (its emulated 16550), of a pv partition (its
# console ring), dom0's prompt and the commands typed at it, backspaces
# included. The screenshot is taken at the prompt and must show, pixel for
# pixel in the hypervisor's font, the last rows of what the serial console
# had printed by then.
EMU=bochs
CPUS=3
RUN_ARGS=(--display x --serial-script "$WORK/operator.script")

prepare() {
    config_with_partitions <<CFG
$(dom0_partition 'devices = serial 0x3f8, framebuffer' 'time_limit = 300')

[partition hello]
cpus = 1
memory = 4M
image = uart-hello.elf
emulate = uart 0x3f8
mode = full
console = none
time_limit = 300

[partition pvcon]
cpus = 2
memory = 4M
image = pv-console.elf
mode = pv
time_limit = 300
CFG
    cat >"$WORK/operator.script" <<'SCRIPT'
expect dom0> 
send wait hello stopped\r
expect dom0: hello is stopped
expect dom0> 
send wait pvcon stopped\r
expect dom0: pvcon is stopped
expect dom0> 
send lisst\x08\x08t\r
expect dom0: partition 3 pvcon stopped
expect dom0> 
screenshot $WORK/screen.ppm
send poweroff\r
SCRIPT
    sed -i "s|\$WORK|$WORK|" "$WORK/operator.script"
}

check() {
    expect_exit 0
    expect_prefix "bulkhead: partition dom0: owns framebuffer: "
    expect_line "bulkhead: framebuffer: handed over to partition dom0; the log goes on on serial only"
    expect_prefix "bulkhead: [dom0] dom0: framebuffer: 800x600, 100 x 37 characters: the console is drawn there"
    expect_prefix "bulkhead: [dom0] dom0: framebuffer: drew "
    expect_line "bulkhead: [hello] uart-hello: hello from a full-virtualization guest"
    expect_line "bulkhead: [pvcon] pv-console: done"
    expect_line "bulkhead: partition hello: stopped (exit status 0)"
    expect_partition_summary 3 3 0 "dom0:-,hello:0,pvcon:0"
    expect_screen_shows_console --console
}
