# The default image on four emulated CPUs: every CPU starts, enters VMX and
# runs its own probe guest.
EMU=bochs
CPUS=4
MEM=512
TIMEOUT=300

check() {
    expect_all_cpus_ran_probe
}
