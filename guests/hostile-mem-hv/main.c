/*
 * Writes far above its RAM, at a guest-physical address where the host keeps
 * other memory (the hypervisor's, on most machines). Nothing backs it in the
 * partition's EPT, so the hypervisor must stop the partition.
 */
#include "guests/lib/guest.h"
#include "guests/lib/touch.h"

#define HOSTILE_TARGET (0x100000000ull + 0x1000)

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    touch_write("hostile-mem-hv", HOSTILE_TARGET, 0x55aa55aa);
    printf("hostile-mem-hv: still running\n");
    return GUEST_STATUS_NOT_STOPPED;
}
