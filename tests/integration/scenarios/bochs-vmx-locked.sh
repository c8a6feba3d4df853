# Firmware that locks IA32_FEATURE_CONTROL with VMX off: LOCKVMX.EFI does
# that and then starts the real stub, so the core must refuse VT-x with the
# locked-off sentence and still power off cleanly.
EMU=bochs
CPUS=1
MEM=512
TIMEOUT=180
NEEDS="stub core probe lockvmx"
IMAGE_ARGS=(--extra build/tests/LOCKVMX.EFI:BOOTX64.EFI --extra build/BOOTX64.EFI:BULKHEAD.EFI)

check() {
    expect_prefix "lockvmx:"
    expect_order "lockvmx:" \
        "bulkhead: error: VT-x is locked off by the firmware (IA32_FEATURE_CONTROL); enable it in the firmware setup."
    expect_no_prefix "bulkhead: cpu0: guest ok"
    expect_clean_no_vmx_run
}
