# A full partition of two vCPUs finds its firmware tables as a kernel
# would: the RSDP at 0xE0000, a MADT with both vCPUs, a FADT whose PM
# timer runs, CPUID that agrees; then it powers off through PM1a_CNT with
# \_S5's sleep type, and the partition stops with exit status 0.
EMU=bochs
CPUS=2

prepare() {
    config_with_partitions <<'CFG'
[partition acpi]
cpus = 0-1
memory = 4M
image = acpi-tables.elf
mode = full
time_limit = 60
CFG
}

check() {
    expect_exit 0
    expect_line "bulkhead: [acpi] acpi: 3 tables, the MADT lists 2 CPU(s)"
    expect_line "bulkhead: [acpi] PASS f.madt_cpus == info->cpu_count"
    expect_line "bulkhead: [acpi] PASS after != before"
    expect_line "bulkhead: [acpi] PASS cpu_cpuid(0xb, 1).ebx == cpu_count"
    expect_line "bulkhead: [acpi] acpi: powering off through PM1a_CNT (SLP_TYP 5)"
    expect_partition_passed acpi
    expect_partition_summary 1 1 0 "acpi:0"
}
