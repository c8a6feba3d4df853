/*
 * Turns interrupts off and spins forever. Only the partition's time limit
 * can end it; the other partitions must not notice.
 */
#include "guests/lib/guest.h"

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    printf("hostile-spin: interrupts off, spinning forever\n");
    cpu_disable_interrupts();
    for (;;)
        ;
}
