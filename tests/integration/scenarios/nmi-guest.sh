# Real NMIs while a guest runs (crash_test = nmi): the last CPU, which no
# partition has, sends two NMIs, one after the other, to the CPU of a
# partition that spins with interrupts off. Each is a VM exit, which the
# hypervisor passes to dom0, the owner of the platform, as a virtual NMI.
# The second is seen as well as the first (the exit left NMIs blocked until
# the hypervisor's IRET), dom0 takes both and goes on, and the spinning
# partition runs on until its time limit.
EMU=bochs
CPUS=3

prepare() {
    config_with_partitions <<CFG
$(dom0_partition)

[partition spin]
cpus = 1
memory = 4M
image = hostile-spin.elf
time_limit = 10
CFG
    sed -i -E 's/^crash_test = none$/crash_test = nmi/' "$CONFIG"
    grep -qx 'crash_test = nmi' "$CONFIG"
}

check() {
    local n
    expect_exit 0
    for n in 1 2; do
        expect_line "bulkhead: cpu1: NMI $n while spin ran: passed to dom0"
        expect_line "bulkhead: crash test: NMI $n of 2 to cpu1 taken"
        expect_line "bulkhead: [dom0] dom0: NMI $n taken"
    done
    expect_count "^bulkhead: cpu[0-9]+: NMI " 2
    expect_no_prefix "bulkhead: error:"
    expect_line "bulkhead: partition spin: stopped (time limit reached)"
    expect_partition_passed dom0
    expect_partition_summary 2 2 0 "dom0:0,spin:-"
}
