#include "boot/clock.h"

#include <efilib.h>

#include "lib/calendar.h"

#define MINUTES_PER_DAY 1440

static BOOLEAN plausible(const EFI_TIME *t)
{
    return t->Year >= 1970 && t->Month >= 1 && t->Month <= 12 && t->Day >= 1 && t->Day <= 31 &&
           t->Hour <= 23 && t->Minute <= 59 && t->Second <= 59;
}

/* A clock with an unspecified time zone keeps local time; as Linux does by
 * default, it is taken for UTC. A given zone is the local time's offset
 * from UTC in minutes (UEFI 2.9: local = UTC + TimeZone). */
INT64 firmware_time_of_day(void)
{
    EFI_TIME t;

    if (EFI_ERROR(RT->GetTime(&t, NULL)) || !plausible(&t))
        return 0;
    struct calendar c = {t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, 0};
    INT64 seconds = calendar_seconds(&c);
    if (t.TimeZone != EFI_UNSPECIFIED_TIMEZONE && t.TimeZone >= -MINUTES_PER_DAY &&
        t.TimeZone <= MINUTES_PER_DAY)
        seconds -= (INT64)t.TimeZone * 60;
    return seconds;
}
