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
    expect_partition_crashed grantee 1 "48 (EPT violation)"
    expect_partition_summary 2 1 1 "granter:0,grantee:-"
}
