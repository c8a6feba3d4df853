# The largest machine QEMU 7.2 builds without KVM: q35 with 128 CPUs and
# 16 GiB (past 255 CPUs it wants KVM's in-kernel x2APIC). Judged as the
# 64-CPU boot is: every CPU once, the TSC within 2% of the host's.
EMU=qemu-tcg
MACHINE=q35
CPUS=128
MEM=16384
TIMEOUT=600

check() {
    expect_big_machine_boot
}
