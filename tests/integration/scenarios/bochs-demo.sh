# The default configuration: three partitions side by side on cpu1-cpu3 of a
# four-CPU machine, each printing its ticks, then power-off.
EMU=bochs
CPUS=4
MEM=512
TIMEOUT=300
CONFIG=config/bulkhead.cfg

check() {
    expect_exit 0
    local name
    for name in alpha beta gamma; do
        expect_healthy_partition "$name"
    done
    expect_partition_summary 3 3 0 "alpha:0,beta:0,gamma:0"
}
