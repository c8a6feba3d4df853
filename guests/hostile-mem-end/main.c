/*
 * Writes just past the end of the partition's RAM. The hypervisor must stop
 * the partition on the EPT violation: nothing after the write may print.
 */
#include "guests/lib/guest.h"
#include "guests/lib/touch.h"

int guest_main(const struct bulkhead_boot_info *info)
{
    printf("hostile-mem-end: RAM ends at 0x%llx\n", (unsigned long long)info->memory_bytes);
    touch_write("hostile-mem-end", info->memory_bytes, 0x55aa55aa);
    printf("hostile-mem-end: still running\n");
    return GUEST_STATUS_NOT_STOPPED;
}
