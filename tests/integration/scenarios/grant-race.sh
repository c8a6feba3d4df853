# Two pairs of pv partitions on four CPUs grant pages to each other, map
# them, check the round's stamp, and revoke them, round after round and
# all at once: every revoke succeeds, no grantee keeps a mapping after it
# (nothing left to unmap or map), and no pair stalls before its last round.
EMU=bochs
CPUS=4

prepare() {
    config_with_partitions <<'CFG'
[partition a1]
cpus = 0
memory = 4M
image = grant-race.elf
mode = pv
time_limit = 200

[partition a2]
cpus = 1
memory = 4M
image = grant-race.elf
mode = pv
time_limit = 200

[partition b1]
cpus = 2
memory = 4M
image = grant-race.elf
mode = pv
time_limit = 200

[partition b2]
cpus = 3
memory = 4M
image = grant-race.elf
mode = pv
time_limit = 200
CFG
}

check() {
    expect_exit 0
    local rounds name peer
    rounds=$(sed -nE 's/^#define RACE_ROUNDS[[:space:]]+([0-9]+).*/\1/p' guests/grant-race/main.c)
    for name in a1:2 a2:1 b1:4 b2:3; do
        peer=${name#*:}
        name=${name%:*}
        expect_line "bulkhead: [$name] grant-race: $rounds rounds with partition $peer"
        expect_partition_passed "$name"
    done
    expect_no_prefix "bulkhead: error: partition"
    expect_partition_summary 4 4 0 "a1:0,a2:0,b1:0,b2:0"
}
