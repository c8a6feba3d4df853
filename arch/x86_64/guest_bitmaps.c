#include "arch/x86_64/guest_bitmaps.h"

#include "arch/x86_64/cpu.h"
#include "hv/arch.h"
#include "lib/page_tables.h"
#include "hv/memory.h"
#include "hv/partition.h"
#include "lib/string.h"

#define MSR_IA32_SYSENTER_CS  0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_STAR              0xc0000081
#define MSR_LSTAR             0xc0000082
#define MSR_CSTAR             0xc0000083
#define MSR_SFMASK            0xc0000084
#define MSR_TSC_AUX           0xc0000103

/*
 * MSRs a guest reads and writes without an exit. Either VMX switches them on
 * entry and exit (EFER, PAT, FS/GS base, SYSENTER), or the hypervisor never
 * relies on them (it has no user mode, so no SYSCALL or SWAPGS state).
 */
static const uint32_t msr_passthrough[] = {
    MSR_IA32_EFER,
    MSR_IA32_PAT,
    MSR_IA32_FS_BASE,
    MSR_IA32_GS_BASE,
    MSR_IA32_KERNEL_GS_BASE,
    MSR_IA32_SYSENTER_CS,
    MSR_IA32_SYSENTER_ESP,
    MSR_IA32_SYSENTER_EIP,
    MSR_STAR,
    MSR_LSTAR,
    MSR_CSTAR,
    MSR_SFMASK,
    MSR_TSC_AUX,
};

static struct guest_bitmaps bitmaps;

void msr_bitmap_set(uint8_t *bitmap, uint32_t msr, bool exit_on_read, bool exit_on_write)
{
    unsigned offset;

    if (msr <= 0x1fff)
        offset = 0;
    else if (msr >= 0xc0000000 && msr <= 0xc0001fff)
        offset = 1024;
    else
        return;
    unsigned bit = msr & 0x1fff;
    uint8_t mask = (uint8_t)(1u << (bit % 8));
    uint8_t *read = bitmap + offset + bit / 8, *write = bitmap + 2048 + offset + bit / 8;

    *read = exit_on_read ? (uint8_t)(*read | mask) : (uint8_t)(*read & ~mask);
    *write = exit_on_write ? (uint8_t)(*write | mask) : (uint8_t)(*write & ~mask);
}

bool guest_bitmaps_init(void)
{
    bitmaps.io = memory_alloc_pages(2);
    bitmaps.msr = memory_alloc_pages(1);
    if (!bitmaps.io || !bitmaps.msr)
        return false;
    memset(phys_to_virt(bitmaps.io), 0xff, 2 * PAGE_SIZE);
    uint8_t *msr = phys_to_virt(bitmaps.msr);
    memset(msr, 0xff, PAGE_SIZE);
    for (unsigned i = 0; i < sizeof(msr_passthrough) / sizeof(msr_passthrough[0]); i++)
        msr_bitmap_set(msr, msr_passthrough[i], false, false);
    return true;
}

uint64_t io_bitmaps_create(void)
{
    uint64_t io = memory_alloc_pages(2);

    if (io)
        memcpy(phys_to_virt(io), phys_to_virt(bitmaps.io), 2 * PAGE_SIZE);
    return io;
}

/* Bit n of the 8 KiB (bitmap A, then B) is port n (SDM Vol. 3C 25.6.4). */
void io_bitmaps_open(uint64_t io_bitmaps, uint16_t first, uint32_t count)
{
    uint8_t *bits = phys_to_virt(io_bitmaps);

    for (uint32_t port = first; port < (uint32_t)first + count && port <= 0xffff; port++)
        bits[port / 8] &= (uint8_t) ~(1u << (port % 8));
}

const struct guest_bitmaps *guest_bitmaps(void)
{
    return &bitmaps;
}

/* A partition gets its own bitmaps with the first port it owns. */
bool arch_partition_open_ports(struct partition *p, uint16_t first, uint32_t count)
{
    if (!p->arch.io_bitmaps)
        p->arch.io_bitmaps = io_bitmaps_create();
    if (!p->arch.io_bitmaps)
        return false;
    io_bitmaps_open(p->arch.io_bitmaps, first, count);
    return true;
}
