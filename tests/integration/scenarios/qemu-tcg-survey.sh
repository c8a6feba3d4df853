# Survey mode on a q35 machine without VT-x (config/survey.cfg, as
# `make image SURVEY=1` builds it): the stub's summary says why partitions
# cannot run, the files it writes to the stick are read back with mtools
# (bulkhead-survey.txt with the q35's MCFG and HPET; a suggested config that
# check-config accepts), and the boot goes on to a clean power-off.
EMU=qemu-tcg
CPUS=4
MEM=512
TIMEOUT=60
CONFIG=config/survey.cfg
RUN_ARGS=(--keep-image "$WORK/after.img")

check() {
    expect_clean_no_vmx_run
    expect_line "bulkhead: survey: VT-x no, EPT no, VPID no, unrestricted guest no, x2APIC no"
    expect_line "bulkhead: survey: partitions can run here: no: the CPU reports no VT-x (or the firmware hides it)"
    expect_order "bulkhead: survey: wrote " "bulkhead: core started: "
    expect_survey_files
    grep -qx "  MADT: $CPUS enabled CPUs, 1 IOAPICs" "$WORK/survey.txt" || fail "bulkhead-survey.txt: no MADT line"
    grep -qx "  MCFG: ECAM at 0xb0000000, segment 0, buses 0-255" "$WORK/survey.txt" ||
        fail "bulkhead-survey.txt: no q35 MCFG line"
    grep -qx "  HPET at 0xfed00000" "$WORK/survey.txt" || fail "bulkhead-survey.txt: no HPET line"
    grep -qx "VMX in CPUID: no" "$WORK/survey.txt" || fail "bulkhead-survey.txt: VMX not reported absent"
    grep -qx "$CPUS CPUs, 1 package, $CPUS cores, SMT off" "$WORK/survey.txt" ||
        fail "bulkhead-survey.txt: not $CPUS cores in one package"
}
