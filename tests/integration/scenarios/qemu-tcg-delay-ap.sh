# A late AP cannot corrupt the bring-up: with delay_ap = 3, cpu3 holds back
# in its start-up until the boot CPU has given up on it (after its 10 s
# time-out). The failure is reported once, every other CPU starts exactly
# once, and when cpu3 does arrive it parks without touching anything: it is
# named once as parked and never prints a line of its own.
EMU=qemu-tcg
MACHINE=q35
CPUS=8
MEM=1024
TIMEOUT=240
CONFIG=build/test-work/qemu-tcg-delay-ap/delay.cfg

prepare() {
    sed 's/^crash_test = none$/crash_test = none\ndelay_ap = 3/' config/selftest.cfg >"$WORK/delay.cfg"
}

check() {
    expect_exit 0
    expect_line "bulkhead: delay_ap: cpu3 holds back until its start is given up"
    expect_count '^bulkhead: error: cpu3 \(apic 3\) did not start$' 1
    expect_count '^bulkhead: error: ' 2 # that one, and the machine's lack of VT-x
    expect_line "bulkhead: smp: cpu3 (apic 3) came after its start was given up and parked"
    expect_count '^bulkhead: smp: ' 1
    expect_count "$CAPABILITY_RE" $((CPUS - 1))
    expect_distinct "$CAPABILITY_RE.*" $((CPUS - 1))
    expect_count '^bulkhead: cpu3 ' 0
    expect_line "bulkhead: summary cpus=$((CPUS - 1)) vmx=0 guests=0 ok=0 failed=0 partitions=0 running=0 stopped=0 crashed=0"
    expect_prefix "bulkhead: powering off"
}
