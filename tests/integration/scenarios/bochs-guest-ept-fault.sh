# A first guest that writes outside its memory: the hypervisor stops that
# guest on the EPT violation with a report naming the address, counts it as
# failed, and still finishes the boot and powers off.
EMU=bochs
CPUS=1
MEM=512
TIMEOUT=300
CONFIG=$WORK/bulkhead.cfg

prepare() {
    config_setting probe probe-ept-fault.bin
}

check() {
    expect_exit 0
    expect_prefix "bulkhead: error: cpu0: probe vcpu0 stopped: exit reason 48 (EPT violation)"
    expect_line "bulkhead:   guest-physical address 0x20000"
    expect_prefix "bulkhead: cpu0: guest failed: stopped before HLT"
    expect_line "bulkhead: summary cpus=$CPUS vmx=$CPUS guests=$CPUS ok=0 failed=$CPUS partitions=0 running=0 stopped=0 crashed=0"
    expect_prefix "bulkhead: powering off"
}
