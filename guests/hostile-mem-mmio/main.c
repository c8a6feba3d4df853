/*
 * A full partition's local APIC and I/O APIC pages are its own virtual
 * ones, emulated by the hypervisor: the machine's are in no EPT. This
 * guest reads its local APIC's version and ID and its I/O APIC's version
 * there, then reads the HPET's page, a device of the machine that no
 * model of the partition claims: that read must stop it.
 * hostile-mem-ioapic goes on to the page after the I/O APIC.
 */
#include "guests/lib/guest.h"
#include "guests/lib/paging.h"
#include "guests/lib/touch.h"

#define LOCAL_APIC_BASE 0xfee00000ull
#define APIC_ID         0x20
#define APIC_VERSION    0x30
#define IOAPIC_BASE     0xfec00000ull
#define HPET_BASE       0xfed00000ull

static uint32_t read32(uint64_t address)
{
    return *(volatile uint32_t *)(uintptr_t)address;
}

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    if (!map_identity_2m(LOCAL_APIC_BASE) || !map_identity_2m(IOAPIC_BASE))
        return GUEST_STATUS_FAIL;
    printf("hostile-mem-mmio: local APIC version 0x%x, ID 0x%x\n",
           read32(LOCAL_APIC_BASE + APIC_VERSION), read32(LOCAL_APIC_BASE + APIC_ID));
    *(volatile uint32_t *)(uintptr_t)IOAPIC_BASE = 1; /* IOREGSEL: the version */
    printf("hostile-mem-mmio: I/O APIC version 0x%x\n", read32(IOAPIC_BASE + 0x10));
    uint32_t value = touch_read("hostile-mem-mmio", HPET_BASE);
    printf("hostile-mem-mmio: still running, HPET read 0x%x\n", value);
    return GUEST_STATUS_NOT_STOPPED;
}
