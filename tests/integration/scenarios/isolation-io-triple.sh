# A partition that pokes PCI configuration space, the keyboard-controller
# port and the hypervisor's own UART sees only its virtual host bridge, and
# otherwise all ones and dropped writes (nothing reaches the serial
# console); its reset through 0xcf9 resets only itself (on_reboot = stop
# ends it there), and so does a second one's through the keyboard
# controller's reset line (0xfe to port 0x64); one that triple-faults is stopped with a report; one that
# programs its I/O APIC finds its own virtual one there and is stopped at the
# page after it, where no device of its own is; a healthy partition beside
# them runs to the end.
EMU=bochs
CPUS=5

prepare() {
    config_with_partitions 0 <<'CFG'
[partition io]
cpus = 1
memory = 4M
image = hostile-io.elf
on_reboot = stop

[partition triple]
cpus = 2
memory = 4M
image = hostile-triple.elf

[partition mem-ioapic]
cpus = 3
memory = 4M
image = hostile-mem-ioapic.elf

[partition io-kbc]
cpus = 4
memory = 4M
image = hostile-io.elf
script = kbc
on_reboot = stop
CFG
}

check() {
    expect_exit 0
    expect_healthy_partition healthy
    expect_line "bulkhead: [io] PASS bridge == VIRTUAL_HOST_BRIDGE_ID"
    expect_line "bulkhead: [io] PASS id == 0xffffffffu"
    expect_line "bulkhead: [io] hostile-io: still running after 0xff to 0x64"
    expect_line "bulkhead: [io] hostile-io: still running after 0x3f8 writes"
    log_lines | grep -F "LEAKED-TO-UART" >/dev/null && fail "a guest's write to port 0x3f8 reached the serial console"
    expect_line "bulkhead: [io] hostile-io: still running after 0x02 to 0xcf9"
    expect_no_prefix "bulkhead: [io] hostile-io: still running after a reset"
    expect_no_prefix "bulkhead: [io] FAIL"
    expect_line "bulkhead: [io] hostile-io: writing 0x06 to port 0xcf9 (reset)"
    expect_line "bulkhead: partition io: stopped (reset by its guest)"
    expect_line "bulkhead: [io-kbc] hostile-io: still running after 0x02 to 0xcf9"
    expect_line "bulkhead: [io-kbc] hostile-io: writing 0xfe to port 0x64 (keyboard controller reset)"
    expect_no_prefix "bulkhead: [io-kbc] hostile-io: still running after a reset"
    expect_no_prefix "bulkhead: [io-kbc] FAIL"
    expect_line "bulkhead: partition io-kbc: stopped (reset by its guest)"
    expect_line "bulkhead: [triple] hostile-triple: loading an empty IDT, then int3"
    expect_partition_crashed triple 2 "2 (triple fault)"
    expect_line "bulkhead: [mem-ioapic] hostile-mem-ioapic: its I/O APIC version register reads 0x170011"
    expect_line "bulkhead: [mem-ioapic] hostile-mem-ioapic: entry 1 reads back 0x10041"
    expect_line "bulkhead: [mem-ioapic] hostile-mem-ioapic: reading 0xfec01000"
    expect_partition_crashed mem-ioapic 3 "48 (EPT violation)"
    expect_line "bulkhead:   guest-physical address 0xfec01000"
    expect_partition_summary 5 3 2 "healthy:0,io:-,triple:-,mem-ioapic:-,io-kbc:-"
}
