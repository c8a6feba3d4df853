# A first guest that triple-faults: the hypervisor stops that guest with a
# report (exit reason 2), not the machine, and powers off cleanly.
EMU=bochs
CPUS=1
MEM=512
TIMEOUT=300
CONFIG=$WORK/bulkhead.cfg

prepare() {
    config_setting probe probe-triple-fault.bin
}

check() {
    expect_exit 0
    expect_prefix "bulkhead: error: cpu0: probe vcpu0 stopped: exit reason 2 (triple fault)"
    expect_prefix "bulkhead: cpu0: guest failed: stopped before HLT"
    expect_line "bulkhead: summary cpus=$CPUS vmx=$CPUS guests=$CPUS ok=0 failed=$CPUS partitions=0 running=0 stopped=0 crashed=0"
    expect_prefix "bulkhead: powering off"
}
