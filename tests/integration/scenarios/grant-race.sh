# Two pairs of pv partitions on four CPUs grant pages to each other, map
# them, check the round's stamp, and revoke them, round after round and
# all at once: every revoke succeeds, no grantee keeps a mapping after it
# (nothing left to unmap or map), and no pair stalls before its last round.
EMU=bochs
CPUS=4

# The four partitions, one per CPU, each NAME:CPU.
race_partitions() {
    local p
    for p in a1:0 a2:1 b1:2 b2:3; do
        printf '[partition %s]\ncpus = %s\nmemory = 4M\nimage = grant-race.elf\nmode = pv\ntime_limit = 200\n\n' \
            "${p%:*}" "${p#*:}"
    done
}

prepare() {
    config_with_partitions < <(race_partitions)
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
