# bochs-1cpu's checks under QEMU with nested KVM, on hosts that offer it.
EMU=qemu-kvm
CPUS=1
MEM=512
TIMEOUT=120

available() {
    tools/kvm-nested-available.sh
}

check() {
    expect_all_cpus_ran_probe
}
