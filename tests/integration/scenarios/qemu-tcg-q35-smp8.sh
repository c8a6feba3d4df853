# A bigger machine: q35 with 8 CPUs and 8 GiB. Every CPU is counted, memory
# above 4 GiB shows up in the memory map, and the no-VT-x path still ends in
# a clean power-off. QEMU's firmware tables describe the IOAPIC: the
# hypervisor takes it from the MADT and masks every pin.
EMU=qemu-tcg
MACHINE=q35
CPUS=8
MEM=8192
TIMEOUT=240

check() {
    expect_line "bulkhead: error: this CPU has no VT-x (VMX)."
    expect_count "$CAPABILITY_RE" "$CPUS"
    expect_distinct "$CAPABILITY_RE.*" "$CPUS"
    expect_clean_no_vmx_run
    expect_memory_above_4g
    expect_prefix_with "bulkhead: acpi: $CPUS CPUs and 1 IOAPICs in the MADT" "power-off"
    expect_prefix_with "bulkhead: ioapic: 0xfec00000 version 0x" "pins, all masked"
    expect_no_prefix "bulkhead: ioapic: no MADT entry"
    # QEMU's MADT moves the timer's IRQ 0 and makes its PCI link IRQs level, active high.
    expect_line "bulkhead: ioapic: the MADT puts ISA IRQ 0 on GSI 2 (bus-default trigger, bus-default polarity)"
    expect_line "bulkhead: ioapic: the MADT puts ISA IRQ 10 on GSI 10 (level, active high)"
}

four_gib=$((1 << 32))

# The summary line's highest address and one usable region lie above 4 GiB,
# and more than 4 GiB of the 8 are usable in all.
expect_memory_above_4g() {
    local line mib highest found=0 base end
    line=$(first_match '^bulkhead: memory: [0-9]+ MiB usable in [0-9]+ regions, highest 0x[0-9a-fA-F]+$')
    [ -n "$line" ] || { fail "no 'bulkhead: memory:' summary line"; return; }
    mib=$(sed -E 's/^bulkhead: memory: ([0-9]+) MiB.*/\1/' <<<"$line")
    highest=$(sed -E 's/.*highest 0x([0-9a-fA-F]+)$/\1/' <<<"$line")
    [ $((16#$highest)) -gt $four_gib ] || fail "highest address 0x$highest is not above 4 GiB"
    [ "$mib" -gt 4096 ] || fail "$mib MiB usable of $MEM MiB: memory above 4 GiB is missing"
    while read -r base end; do
        [ $((16#$end)) -gt $four_gib ] && found=1
    done < <(log_lines | sed -nE 's/^bulkhead: mem 0x([0-9a-fA-F]+)-0x([0-9a-fA-F]+) usable$/\1 \2/p')
    [ "$found" = 1 ] || fail "no usable 'bulkhead: mem' region reaches above 4 GiB"
}
