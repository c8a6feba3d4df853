# linux-pvh-smp's kernel in a partition of 4352 MiB, under QEMU with nested
# KVM on hosts that offer it: 3.5 GiB of its RAM lie below the PCI hole and
# the rest above 4 GiB (lib/pc_layout.h), and the kernel finds all of it
# (bulkhead.mem checks MemTotal). Bochs cannot run this one: it holds at
# most 2048 MiB (tools/run.sh says why).
source tests/integration/scenarios/linux-pvh.sh
EMU=qemu-kvm
CPUS=4
MEM=8192 # q35 puts 2 GiB below 4 GiB and the rest above: room for 4352 MiB in one piece
TIMEOUT=600
LINUX_CPUS=2
LINUX_MEM=4352

available() {
    tools/kvm-nested-available.sh
}

check() {
    expect_prefix_with "bulkhead: partition linux:" "4352 MiB at 0x"
    expect_linux_run
}
