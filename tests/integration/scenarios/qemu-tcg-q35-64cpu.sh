# A big server: q35 with 64 CPUs and 16 GiB. Every CPU starts exactly once
# (each AP's start is a hand-shake of its own), and the TSC frequency comes
# from a timer checked by a second one: QEMU without KVM hands its guests the
# host's TSC, so it must lie within 2% of the host's own figure.
EMU=qemu-tcg
MACHINE=q35
CPUS=64
MEM=16384
TIMEOUT=300

check() {
    expect_big_machine_boot
}

