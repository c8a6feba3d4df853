# The privileged partition owns the PS/2 controller (devices = keyboard):
# the controller answers it through the trapped ports, but the writes that
# would reset the machine or mask A20 -- a reset pulse (0xfe to port 0x64),
# the output-port write (0xd1, then a byte that clears both lines) -- are
# refused, each counted and logged. The partition runs to its end and the
# machine boots once only: nothing reset it.
EMU=bochs
CPUS=1

prepare() {
    config_with_partitions <<CFG
[partition owner]
cpus = 0
memory = 4M
image = kbd-owner.elf
mode = pv
privileged = yes
devices = keyboard
CFG
}

check() {
    expect_exit 0
    expect_line "bulkhead: partition owner: owns keyboard: ports 0x60 and 0x64 trapped (reset and A20 commands kept by the hypervisor), IRQ 1"
    expect_line "bulkhead: partition owner: keyboard: refused 0xfe on port 0x64 (pulse reset), 1 so far"
    expect_line "bulkhead: partition owner: keyboard: refused 0xd1 on port 0x64 (output port (reset, A20)), 2 so far"
    expect_line "bulkhead: partition owner: keyboard: refused 0x00 on port 0x60 (output port (reset, A20)), 3 so far"
    expect_count "^bulkhead: partition owner: keyboard: refused " 3
    expect_line "bulkhead: [owner] kbd-owner: still running after a reset pulse"
    expect_line "bulkhead: [owner] kbd-owner: still running after an output-port write of 0x00"
    expect_count "^bulkhead: \[owner\] kbd-owner: configuration byte 0x[0-9a-f]{2}$" 2
    expect_count "^bulkhead: core started" 1
    expect_partition_passed owner
    expect_partition_summary 1 1 0 "owner:0"
}
