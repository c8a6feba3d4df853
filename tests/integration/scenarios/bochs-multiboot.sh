# A multiboot v1 kernel (guests/multiboot-hello, a.out kludge) booted with
# the kernel, initrd and cmdline keys in a full partition: it starts in
# 32-bit protected mode with EAX = 0x2BADB002 and finds in its information
# block the partition's memory map as lib/pc_layout.h lays it out (4 MiB:
# low RAM, the firmware tables, RAM from 1 MiB, the ECAM window), its
# command line and the initrd as its module.
EMU=bochs
CPUS=1

prepare() {
    printf 'hello from the initrd\nsecond line\n' >"$WORK/mb-initrd.txt"
    IMAGE_ARGS+=(--extra "$WORK/mb-initrd.txt:mb-initrd.txt")
    config_with_partitions <<'CFG'
[partition mb]
cpus = 0
memory = 4M
kernel = multiboot-hello.bin
initrd = mb-initrd.txt
cmdline = "multiboot-hello  one=1 two"
CFG
}

check() {
    expect_exit 0
    expect_prefix_with "bulkhead: partition mb:" "multiboot image multiboot-hello.bin"
    expect_line "bulkhead: [mb] PASS eax == 0x2badb002"
    expect_line "bulkhead: [mb] PASS paging is off"
    expect_line "bulkhead: [mb] mem_lower 0x00000280 KiB, mem_upper 0x00000c00 KiB"
    expect_line "bulkhead: [mb] mmap 0x0000000000000000 0x00000000000a0000 1"
    expect_line "bulkhead: [mb] mmap 0x00000000000e0000 0x0000000000020000 3"
    expect_line "bulkhead: [mb] mmap 0x0000000000100000 0x0000000000300000 1"
    expect_line "bulkhead: [mb] mmap 0x00000000e0000000 0x0000000010000000 2"
    expect_count "^bulkhead: \[mb\] mmap " 4
    expect_line "bulkhead: [mb] cmdline 'multiboot-hello  one=1 two'"
    expect_line "bulkhead: [mb] module 'hello from the initrd'"
    expect_line "bulkhead: [mb] loader 'Bulkhead'"
    expect_line "bulkhead: [mb] multiboot-hello: done"
    expect_partition_passed mb
    expect_partition_summary 1 1 0 "mb:0"
}
