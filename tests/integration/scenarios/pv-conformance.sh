# Every hypercall with good and bad arguments (null and outside-RAM
# pointers, huge lengths, wrapping ranges, bad ports and grant references,
# privileged calls from an unprivileged partition, VMCALL from ring 3),
# checked from inside a pv partition; a second pv partition exists to be
# granted to.
EMU=bochs
CPUS=2

prepare() {
    config_with_partitions <<'CFG'
[partition conformance]
cpus = 0
memory = 4M
image = hc-conformance.elf
mode = pv
time_limit = 120

[partition peer]
cpus = 1
memory = 4M
image = healthy.elf
mode = pv
CFG
}

check() {
    expect_exit 0
    expect_line "bulkhead: [conformance] hc-conformance: console write through a hypercall"
    expect_prefix_with "bulkhead: [conformance] PASS ring3_enter(" "raises #UD"
    expect_line "bulkhead: [conformance] PASS hc_console_server(GUEST_IDENTITY_MAP_SIZE, 0) == HC_EPERM"
    expect_line "bulkhead: [conformance] PASS hc_console_write_for(CONFORMANCE_PEER_ID, forged, 7) == HC_EPERM"
    expect_no_prefix "bulkhead: [peer] forged"
    expect_line "bulkhead: [conformance] PASS hypercall(HC_LOG_READ, ram_end, 8, 0, 0) == HC_EPERM"
    expect_line "bulkhead: [conformance] PASS hc_machine_control(0) == HC_EPERM"
    expect_line "bulkhead: [conformance] hc-conformance: done"
    expect_partition_passed conformance
    expect_healthy_partition peer
    expect_partition_summary 2 2 0 "conformance:0,peer:0"
}
