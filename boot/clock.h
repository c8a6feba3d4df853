/* The firmware's clock, for the RTC the partitions see. */
#ifndef BOOT_CLOCK_H
#define BOOT_CLOCK_H

#include <efi.h>

/* The firmware's time of day as UTC seconds since 1970; 0 when it has no
 * clock or an impossible date. */
INT64 firmware_time_of_day(void);

#endif
