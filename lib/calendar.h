/* Calendar dates and seconds since 1970-01-01 00:00 UTC (no leap seconds):
 * the RTC model shows them, the boot stub reads the firmware's clock. */
#ifndef LIB_CALENDAR_H
#define LIB_CALENDAR_H

#include <stdint.h>

struct calendar {
    int64_t year;
    unsigned month, day, hour, minute, second, weekday; /* weekday 1 = Sunday */
};

struct calendar calendar_from_seconds(int64_t seconds);
/* The weekday is not read. */
int64_t calendar_seconds(const struct calendar *c);

#endif
