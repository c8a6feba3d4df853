# Survey mode under Bochs, whose CPU has VT-x with EPT (config/survey.cfg):
# the stub reads the VMX capability MSRs, its summary says partitions can
# run, the files on the stick are read back and checked, and the boot goes
# on to run the self-test on every CPU.
EMU=bochs
CPUS=2
TIMEOUT=240
CONFIG=config/survey.cfg
RUN_ARGS=(--keep-image "$WORK/after.img")

check() {
    expect_all_cpus_ran_probe
    expect_line "bulkhead: survey: VT-x yes, EPT yes, VPID yes, unrestricted guest yes, x2APIC yes"
    expect_line "bulkhead: survey: partitions can run here: yes: VT-x with EPT and unrestricted guest on the boot CPU"
    expect_order "bulkhead: survey: wrote " "bulkhead: core started: "
    expect_survey_files
    expect_prefix_with "bulkhead: survey: " "ACPI tables: none"
    grep -qE "^IA32_VMX_BASIC: 0x[0-9a-f]{16} \(revision 0x[0-9a-f]+, true controls (yes|no)\)$" "$WORK/survey.txt" ||
        fail "bulkhead-survey.txt: no IA32_VMX_BASIC line"
    grep -qE "^IA32_VMX_(TRUE_)?PROCBASED_CTLS: 0x" "$WORK/survey.txt" ||
        fail "bulkhead-survey.txt: no processor-based controls"
    grep -qE "^IA32_VMX_PROCBASED_CTLS2: 0x" "$WORK/survey.txt" || fail "bulkhead-survey.txt: no secondary controls"
    grep -qE "^IA32_VMX_EPT_VPID_CAP: 0x" "$WORK/survey.txt" || fail "bulkhead-survey.txt: no EPT/VPID capabilities"
    grep -qE "^IA32_FEATURE_CONTROL: 0x" "$WORK/survey.txt" || fail "bulkhead-survey.txt: no feature control line"
}
