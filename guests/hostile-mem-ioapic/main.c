/*
 * Reads the IOAPIC at its usual physical address. It belongs to the
 * hypervisor and is in no EPT of this partition: the read must stop it.
 */
#include "guests/lib/guest.h"
#include "guests/lib/touch.h"

#define IOAPIC_BASE 0xfec00000ull

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    uint32_t value = touch_read("hostile-mem-ioapic", IOAPIC_BASE);
    printf("hostile-mem-ioapic: still running, read 0x%x\n", value);
    return GUEST_STATUS_NOT_STOPPED;
}
