# A CPU with VMX, EPT and VPID but without unrestricted guest (Core i5
# "Lynnfield", Nehalem: unrestricted guest came with Westmere): the core names
# what is missing and leaves VMX off.
EMU=bochs
BOCHS_CPU=corei5_lynnfield_750
CPUS=1
MEM=512
TIMEOUT=180

check() {
    expect_count '^bulkhead: cpu[0-9]+ apic=[0-9a-fA-Fx]+ vmx=yes ept=yes vpid=yes ug=no( .*)?$' "$CPUS"
    expect_prefix "bulkhead: error: VT-x lacks unrestricted guest"
    expect_clean_no_vmx_run
}
