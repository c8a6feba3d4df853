# The two other kernel entries, with tiny kernels of our own: a PVH
# vmlinux (guests/pvh-hello, an ELF64 with the PHYS32_ENTRY note) starts in
# 32-bit protected mode with EBX = hvm_start_info, and a bzImage
# (guests/bzimage-hello) starts at its 64-bit entry with RSI = the zero page,
# CS = 0x10 and DS = 0x18 over an identity map. Each finds the partition's
# memory map as lib/pc_layout.h lays it out, its command line, its initrd
# and the RSDP address.
EMU=bochs
CPUS=2

prepare() {
    printf 'pvh initrd line\n' >"$WORK/pvh-initrd.txt"
    printf 'bzimage initrd line\nmore\n' >"$WORK/bz-initrd.txt"
    IMAGE_ARGS+=(--extra "$WORK/pvh-initrd.txt:pvh-initrd.txt"
        --extra "$WORK/bz-initrd.txt:bz-initrd.txt")
    config_with_partitions <<'CFG'
[partition pvh]
cpus = 0
memory = 8M
kernel = pvh-hello.bin
initrd = pvh-initrd.txt
cmdline = console=hvc0 pvh=1

[partition bz]
cpus = 1
memory = 32M
kernel = bzimage-hello.bin
initrd = bz-initrd.txt
cmdline = "console=ttyS0 bz=1"
CFG
}

check() {
    expect_exit 0
    expect_prefix_with "bulkhead: partition pvh:" "PVH vmlinux image pvh-hello.bin"
    expect_prefix_with "bulkhead: partition bz:" "Linux bzImage image bzimage-hello.bin, entry 0x1000200"
    expect_line "bulkhead: [pvh] PASS ebx == hvm_start_info at 0x7000"
    expect_line "bulkhead: [pvh] PASS paging is off"
    expect_line "bulkhead: [pvh] memmap 0x0000000000000000 0x00000000000a0000 1"
    expect_line "bulkhead: [pvh] memmap 0x00000000000e0000 0x0000000000020000 3"
    expect_line "bulkhead: [pvh] memmap 0x0000000000100000 0x0000000000700000 1"
    expect_line "bulkhead: [pvh] memmap 0x00000000e0000000 0x0000000010000000 2"
    expect_count "^bulkhead: \[pvh\] memmap " 4
    expect_line "bulkhead: [pvh] cmdline 'console=hvc0 pvh=1'"
    expect_line "bulkhead: [pvh] module 'pvh initrd line'"
    expect_line "bulkhead: [pvh] rsdp 0x00000000000e0000"
    expect_line "bulkhead: [pvh] pvh-hello: done"
    expect_line "bulkhead: [bz] PASS rsi == the zero page at 0x7000"
    expect_line "bulkhead: [bz] PASS cs == 0x10 and ds == 0x18 in long mode"
    expect_line "bulkhead: [bz] e820 0x0000000000000000 0x00000000000a0000 1"
    expect_line "bulkhead: [bz] e820 0x00000000000e0000 0x0000000000020000 3"
    expect_line "bulkhead: [bz] e820 0x0000000000100000 0x0000000001f00000 1"
    expect_line "bulkhead: [bz] e820 0x00000000e0000000 0x0000000010000000 2"
    expect_count "^bulkhead: \[bz\] e820 " 4
    expect_line "bulkhead: [bz] cmdline 'console=ttyS0 bz=1'"
    expect_line "bulkhead: [bz] initrd 'bzimage initrd line'"
    expect_line "bulkhead: [bz] rsdp 0x00000000000e0000"
    expect_line "bulkhead: [bz] bzimage-hello: done"
    expect_partition_passed pvh
    expect_partition_passed bz
    expect_partition_summary 2 2 0 "pvh:0,bz:0"
}
