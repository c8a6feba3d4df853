# The operator and Debian's kernel, with config/linux.cfg as `make run
# LINUX=1` boots it: dom0 owns the serial port and prints the log; Linux
# (PVH entry) runs a busybox shell on its console (dom0's 16550 model,
# bulkhead.shell=1) beside a pv guest. The operator attaches to Linux with
# `console linux`, runs a command in its shell and gets the prompt back
# with Ctrl-], talks to the pv guest the same way, then `shutdown linux`
# presses the partition's ACPI power button: the kernel sees the SCI,
# busybox's acpid powers it off through S5, and the partition stops with
# status 0, the pv guest and dom0 untouched until `poweroff`.
EMU=bochs
CPUS=3
MEM=768
TIMEOUT=600
NEEDS="stub core linux"
CONFIG=config/linux.cfg
IMAGE_ARGS=(--extra build/linux/vmlinux:kernel --extra build/linux/initramfs.cpio.gz:initrd)
RUN_ARGS=(--serial-script "$WORK/operator.script")

prepare() {
    cat >"$WORK/operator.script" <<'SCRIPT'
expect linux-guest: shell on the console
expect dom0> 
send console linux\r
expect dom0: console attached to linux
send echo guest-says-$((6 * 7))\r
expect guest-says-42
send \x1d
expect dom0: console detached from linux
expect dom0> 
send console pvecho\r
expect dom0: console attached to pvecho
send hello pv\r
expect pv-echo: got 'hello pv'
send \x1d
expect dom0> 
send shutdown linux\r
expect dom0: shutdown linux: power button pressed
expect partition linux: stopped
expect dom0> 
send poweroff\r
SCRIPT
}

check() {
    expect_exit 0
    expect_line "bulkhead: [linux] linux-guest: start"
    expect_prefix "bulkhead: [linux] linux-guest: PASS modules=2 cpus=1 "
    expect_line "bulkhead: [linux] linux-guest: shell on the console; leaving it powers off"
    expect_line "bulkhead: [dom0] dom0: console attached to linux: Ctrl-] detaches"
    expect_line "bulkhead: [linux] guest-says-42"
    expect_line "bulkhead: [dom0] dom0: console detached from linux"
    expect_line "bulkhead: [pvecho] pv-echo: got 'hello pv'"
    expect_line "bulkhead: [dom0] dom0: shutdown linux: power button pressed"
    expect_line "bulkhead: [linux] linux-guest: power button: powering off"
    expect_line "bulkhead: partition linux: stopped (exit status 0)"
    # config/linux.cfg runs no self-test guests (probe = none).
    expect_line "bulkhead: summary cpus=$CPUS vmx=$CPUS guests=0 ok=0 failed=0 partitions=3 running=0 stopped=3 crashed=0 status=dom0:-,linux:0,pvecho:-"
    expect_prefix "bulkhead: powering off"
}
