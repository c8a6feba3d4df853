/*
 * Triple-faults on purpose: with an empty IDT, int3 cannot be delivered
 * (#GP), neither can that #GP (#DF), nor the #DF: the CPU gives up. The
 * hypervisor must stop only this partition.
 */
#include "guests/lib/guest.h"

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    struct cpu_table_pointer empty_idt = {.limit = 0, .base = 0};

    printf("hostile-triple: loading an empty IDT, then int3\n");
    cpu_load_idt(&empty_idt);
    cpu_int3();
    printf("hostile-triple: still running\n");
    return GUEST_STATUS_NOT_STOPPED;
}
