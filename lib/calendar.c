/*
 * Dates in the proleptic Gregorian calendar, from and to seconds since
 * 1970-01-01 00:00 UTC, without tables or loops.
 */
#include "lib/calendar.h"

#define SECONDS_PER_DAY 86400

/* Days since 1970-01-01 of a date in the proleptic Gregorian calendar,
 * counted in 400-year eras of 146097 days from a year starting in March. */
static int64_t days_from_date(int64_t year, unsigned month, unsigned day)
{
    year -= month <= 2;
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    int64_t year_of_era = year - era * 400;
    int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;

    return era * 146097 + day_of_era - 719468;
}

static void date_from_days(int64_t days, struct calendar *c)
{
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t day_of_era = days - era * 146097;
    int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t march_month = (5 * day_of_year + 2) / 153;

    c->day = (unsigned)(day_of_year - (153 * march_month + 2) / 5 + 1);
    c->month = (unsigned)(march_month < 10 ? march_month + 3 : march_month - 9);
    c->year = year_of_era + era * 400 + (c->month <= 2);
}

struct calendar calendar_from_seconds(int64_t seconds)
{
    struct calendar c;
    int64_t days = (seconds >= 0 ? seconds : seconds - SECONDS_PER_DAY + 1) / SECONDS_PER_DAY;
    int64_t in_day = seconds - days * SECONDS_PER_DAY;

    date_from_days(days, &c);
    c.hour = (unsigned)(in_day / 3600);
    c.minute = (unsigned)(in_day / 60 % 60);
    c.second = (unsigned)(in_day % 60);
    c.weekday = (unsigned)((days % 7 + 11) % 7) + 1; /* 1970-01-01 was a Thursday */
    return c;
}

int64_t calendar_seconds(const struct calendar *c)
{
    return days_from_date(c->year, c->month, c->day) * SECONDS_PER_DAY + c->hour * 3600 +
           c->minute * 60 + c->second;
}
