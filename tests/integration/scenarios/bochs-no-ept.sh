# A CPU with VMX but without EPT (Core 2 "Penryn" has neither EPT nor VPID):
# the core names what is missing and leaves VMX off.
EMU=bochs
BOCHS_CPU=core2_penryn_t9600
CPUS=1
MEM=512
TIMEOUT=180

check() {
    expect_count '^bulkhead: cpu[0-9]+ apic=[0-9a-fA-Fx]+ vmx=yes ept=no ' "$CPUS"
    expect_prefix "bulkhead: error: VT-x lacks EPT"
    expect_clean_no_vmx_run
}
