/*
 * A full partition's I/O APIC page is its own virtual I/O APIC, emulated
 * by the hypervisor; the machine's I/O APIC is in no EPT. This guest reads
 * the version there and programs a redirection entry, which lands in its
 * own I/O APIC and reads back, then reads the page after it, where a
 * second I/O APIC of the machine would sit and nothing is emulated: that
 * read must stop it.
 */
#include "guests/lib/guest.h"
#include "guests/lib/paging.h"
#include "guests/lib/touch.h"

#define IOAPIC_BASE  0xfec00000ull
#define IOREGSEL     0x00
#define IOWIN        0x10
#define REG_VERSION  0x01
#define REG_ENTRY_1  0x12        /* pin 1, low half */
#define ENTRY_MARKER 0x00010041u /* masked, vector 0x41 */

static volatile uint32_t *ioapic(unsigned offset)
{
    return (volatile uint32_t *)(uintptr_t)(IOAPIC_BASE + offset);
}

static uint32_t read_register(uint32_t reg)
{
    *ioapic(IOREGSEL) = reg;
    return *ioapic(IOWIN);
}

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    if (!map_identity_2m(IOAPIC_BASE))
        return GUEST_STATUS_FAIL;
    printf("hostile-mem-ioapic: its I/O APIC version register reads 0x%x\n",
           read_register(REG_VERSION));
    *ioapic(IOREGSEL) = REG_ENTRY_1;
    *ioapic(IOWIN) = ENTRY_MARKER;
    printf("hostile-mem-ioapic: entry 1 reads back 0x%x\n", read_register(REG_ENTRY_1));
    uint32_t value = touch_read("hostile-mem-ioapic", IOAPIC_BASE + 0x1000);
    printf("hostile-mem-ioapic: still running, read 0x%x\n", value);
    return GUEST_STATUS_NOT_STOPPED;
}
