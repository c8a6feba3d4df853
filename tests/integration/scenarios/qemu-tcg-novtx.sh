# QEMU without acceleration has no VT-x: the core says so in one sentence and
# still powers the machine off cleanly.
EMU=qemu-tcg
CPUS=1
MEM=512
TIMEOUT=120

check() {
    expect_line "bulkhead: error: this CPU has no VT-x (VMX)."
    expect_count "$CAPABILITY_RE" "$CPUS"
    expect_no_prefix "bulkhead: cpu0: guest ok"
    expect_clean_no_vmx_run
}
