# A granter shares a page with a grantee, then revokes it; the grantee's
# next touch of the page stops the grantee (EPT violation) while the granter
# carries on.
EMU=bochs
CPUS=2

prepare() {
    config_with_partitions <<'CFG'
[partition granter]
cpus = 0
memory = 4M
image = hc-revoke-granter.elf
mode = pv
time_limit = 120

[partition grantee]
cpus = 1
memory = 4M
image = hc-revoke-grantee.elf
mode = pv
time_limit = 120
CFG
}

check() {
    expect_exit 0
    expect_line "bulkhead: [granter] PASS page[REVOKE_ACK_WORD] == REVOKE_ACK"
    expect_line "bulkhead: [granter] hc-revoke-granter: revoked"
    expect_partition_passed granter
    expect_line "bulkhead: [grantee] hc-revoke-grantee: touching the page after revoke"
    expect_prefix "bulkhead: error: cpu1: grantee vcpu0 stopped: exit reason 48 (EPT violation)"
    expect_line "bulkhead: partition grantee: crashed"
    expect_no_prefix "bulkhead: [grantee] hc-revoke-grantee: still running"
    expect_partition_summary 2 1 1 "granter:0,grantee:-"
}
