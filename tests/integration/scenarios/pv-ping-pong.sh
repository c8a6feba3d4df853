# Two pv partitions exchange 100 messages of 64 bytes over a shared ring in a
# granted page, notified through event channels; both check every message.
# ping also measures a null hypercall, an event to the other partition and
# a message through the ring (figures for make bench, not asserted).
EMU=bochs
CPUS=2

prepare() {
    config_with_partitions <<'CFG'
[partition ping]
cpus = 0
memory = 4M
image = hc-ping.elf
mode = pv
time_limit = 120

[partition pong]
cpus = 1
memory = 4M
image = hc-pong.elf
mode = pv
time_limit = 120
CFG
}

check() {
    expect_exit 0
    expect_line "bulkhead: [ping] PASS good == MESSAGES"
    expect_prefix "bulkhead: [ping] hc-ping: bench null hypercall "
    expect_prefix "bulkhead: [ping] hc-ping: bench event one-way "
    expect_prefix "bulkhead: [ping] hc-ping: bench ring 64-byte message "
    expect_line "bulkhead: [ping] hc-ping: done"
    expect_line "bulkhead: [pong] PASS good == EXPECTED_REQUESTS"
    expect_line "bulkhead: [pong] PASS message.sequence == CHANNEL_SEQUENCE_BYE"
    expect_line "bulkhead: [pong] hc-pong: done"
    expect_partition_passed ping
    expect_partition_passed pong
    expect_partition_summary 2 2 0 "ping:0,pong:0"
}
