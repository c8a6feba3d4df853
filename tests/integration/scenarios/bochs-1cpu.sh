# The default image on one emulated CPU with VT-x and EPT: the core brings the
# CPU up, runs the probe guest through its exits and powers off.
EMU=bochs
CPUS=1
MEM=512
TIMEOUT=180

check() {
    expect_all_cpus_ran_probe
}
