/*
 * A well-behaved guest booted beside the hostile ones: it prints a tick now
 * and then and exits 0, showing that it kept running whatever they did.
 */
#include "guests/lib/guest.h"

#define HEALTHY_TICKS           20
#define HEALTHY_SPIN_ITERATIONS 2000000u /* a busy-wait between two ticks */

static void spin(void)
{
    /* volatile: the compiler must not drop the loop. */
    for (volatile uint32_t i = 0; i < HEALTHY_SPIN_ITERATIONS; i++)
        ;
}

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    for (unsigned tick = 1; tick <= HEALTHY_TICKS; tick++) {
        spin();
        printf("tick %u of %u\n", tick, HEALTHY_TICKS);
    }
    printf("done\n");
    return GUEST_STATUS_PASS;
}
