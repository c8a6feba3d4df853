/*
 * Reads the local APIC and then the IOAPIC at their usual physical
 * addresses. Both belong to the hypervisor and are in no EPT of this
 * partition, so the first read must stop it. hostile-mem-ioapic tries the
 * IOAPIC alone.
 */
#include "guests/lib/guest.h"
#include "guests/lib/touch.h"

#define LOCAL_APIC_BASE 0xfee00000ull
#define IOAPIC_BASE     0xfec00000ull

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    uint32_t value = touch_read("hostile-mem-mmio", LOCAL_APIC_BASE);
    printf("hostile-mem-mmio: still running, local APIC read 0x%x\n", value);
    value = touch_read("hostile-mem-mmio", IOAPIC_BASE);
    printf("hostile-mem-mmio: still running, IOAPIC read 0x%x\n", value);
    return GUEST_STATUS_NOT_STOPPED;
}
