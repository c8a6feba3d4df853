#include <criterion/criterion.h>
#include <string.h>

#include "arch/x86_64/tsc_choice.h"

#define MHZ 1000000ull

static char text[128];

static const char *chosen(const uint64_t figures[TSC_SOURCE_COUNT], struct tsc_choice *c)
{
    cr_assert(tsc_choose(figures, c));
    tsc_choice_format(c, text, sizeof(text));
    return text;
}

Test(tsc_choice, median_of_odd_and_even_counts)
{
    uint64_t five[] = {90, 10, 50, 70, 30};
    uint64_t four[] = {4, 1, 3, 2};
    cr_assert_eq(tsc_median(five, 5), 50);
    cr_assert_eq(tsc_median(four, 4), 3);
    cr_assert_eq(tsc_median(four, 0), 0);
}

/* One window blown up by a descheduled emulator does not move the median. */
Test(tsc_choice, median_ignores_one_outlier)
{
    uint64_t windows[] = {2096 * MHZ, 2095 * MHZ, 16200 * MHZ, 2097 * MHZ, 2096 * MHZ};
    cr_assert_eq(tsc_median(windows, 5), 2096 * MHZ);
}

Test(tsc_choice, apart_in_basis_points)
{
    cr_assert_eq(tsc_apart_bp(1000, 1004), 40);
    cr_assert_eq(tsc_apart_bp(1004, 1000), 40);
    cr_assert_eq(tsc_apart_bp(0, 1000), 1000000);
    cr_assert_eq(tsc_apart_bp(1, UINT64_MAX), 1000000);
}

Test(tsc_choice, window_arithmetic)
{
    /* 10 ms of the PM timer (35795 ticks) over 20,959,910 TSC ticks. */
    cr_assert_eq(tsc_hz_from_window(20959910, 35795, 3579545), 2096017349);
    cr_assert_eq(tsc_hz_from_window(1000, 0, 3579545), 0);
    cr_assert_eq(tsc_hz_from_window(UINT64_MAX / 2, 10, 100000000), 0, "overflow is refused");
}

/* The PIT's 16-bit count: a step across the wrap counts, a step of more
 * than half the range may be a wrap in disguise and is refused. */
Test(tsc_choice, reference_steps_and_wraps)
{
    cr_assert_eq(tsc_ref_step(100, 300, 0xffff), 200);
    cr_assert_eq(tsc_ref_step(0xfff0, 0x10, 0xffff), 0x20);
    cr_assert_eq(tsc_ref_step(0, 0x8000, 0xffff), UINT64_MAX);
    cr_assert_eq(tsc_ref_step(5, 4, 0xffff), UINT64_MAX, "backwards is a near-full wrap");
    cr_assert_eq(tsc_ref_step(0xfffffff0, 0x20, 0xffffffff), 0x30);
}

Test(tsc_choice, blurred_windows_are_not_trusted)
{
    cr_assert(tsc_window_trusted(100, 100, 1000000));
    cr_assert_not(tsc_window_trusted(600, 500, 1000000), "ends blurred by 0.11%%");
    cr_assert_not(tsc_window_trusted(0, 0, 0));
}

/* Recorded CPUID 0x15 values. */
Test(tsc_choice, cpuid15_arithmetic)
{
    /* Ice Lake server: crystal 25 MHz stated, ratio 168/2. */
    cr_assert_eq(tsc_hz_from_cpuid15(2, 168, 25000000, 0x6a), 2100 * MHZ);
    /* Kaby Lake client: ratio 176/2, crystal not stated but known (24 MHz). */
    cr_assert_eq(tsc_hz_from_cpuid15(2, 176, 0, 0x8e), 2112 * MHZ);
    /* Alder Lake: 38.4 MHz crystal stated, ratio 188/2. */
    cr_assert_eq(tsc_hz_from_cpuid15(2, 188, 38400000, 0x97), 3609600000ull);
    /* Crystal neither stated nor known: no figure (and no 0x16 guess). */
    cr_assert_eq(tsc_hz_from_cpuid15(2, 292, 0, 0x55), 0);
    cr_assert_eq(tsc_hz_from_cpuid15(0, 0, 0, 0), 0, "leaf not enumerated");
}

Test(tsc_choice, cpuid_taken_when_a_timer_agrees)
{
    uint64_t f[TSC_SOURCE_COUNT] = {
        [TSC_FROM_CPUID] = 2100 * MHZ, [TSC_FROM_HPET] = 2108 * MHZ, [TSC_FROM_PIT] = 2090 * MHZ};
    struct tsc_choice c;
    cr_assert_str_eq(chosen(f, &c), "2100.0 MHz from cpuid 0x15 (hpet agrees within 0.4%)");
    cr_assert_eq(c.hz, 2100 * MHZ);
}

/* Bochs-like: the CPU claims a figure, the timers measure something else. */
Test(tsc_choice, cpuid_dropped_when_timers_disagree_with_it)
{
    uint64_t f[TSC_SOURCE_COUNT] = {[TSC_FROM_CPUID] = 3500 * MHZ, [TSC_FROM_PIT] = 70 * MHZ};
    struct tsc_choice c;
    cr_assert_str_eq(
        chosen(f, &c),
        "70.0 MHz from pit (no timer to check it against; cpuid 0x15 says 3500.0 MHz)");
}

Test(tsc_choice, hpet_checked_by_pm_timer)
{
    uint64_t f[TSC_SOURCE_COUNT] = {[TSC_FROM_HPET] = 2096100000ull,
                                    [TSC_FROM_PM_TIMER] = 2095900000ull,
                                    [TSC_FROM_PIT] = 2104 * MHZ};
    struct tsc_choice c;
    cr_assert_str_eq(chosen(f, &c), "2096.1 MHz from hpet (pm-timer agrees within 0.0%)");
}

/* The failure seen on a busy host: the PIT measured 16 GHz; the two timers
 * that agree outvote it even though the PIT is not first. */
Test(tsc_choice, two_agreeing_timers_outvote_a_bad_first_one)
{
    uint64_t f[TSC_SOURCE_COUNT] = {[TSC_FROM_HPET] = 9000 * MHZ,
                                    [TSC_FROM_PM_TIMER] = 2096 * MHZ,
                                    [TSC_FROM_PIT] = 2099 * MHZ};
    struct tsc_choice c;
    cr_assert_str_eq(chosen(f, &c), "2096.0 MHz from pm-timer (pit agrees within 0.1%)");
}

Test(tsc_choice, disagreement_is_said)
{
    uint64_t f[TSC_SOURCE_COUNT] = {[TSC_FROM_HPET] = 2096 * MHZ, [TSC_FROM_PIT] = 2600 * MHZ};
    struct tsc_choice c;
    cr_assert_str_eq(chosen(f, &c), "2096.0 MHz from hpet (pit disagrees by 24.0%)");
}

Test(tsc_choice, figures_out_of_bounds_are_failures)
{
    uint64_t f[TSC_SOURCE_COUNT] = {[TSC_FROM_HPET] = 6 * MHZ, [TSC_FROM_PIT] = 16200 * MHZ};
    struct tsc_choice c;
    cr_assert_not(tsc_choose(f, &c));
    cr_assert_eq(c.source, TSC_FROM_NOTHING);
}

Test(tsc_choice, cpuid_alone_is_taken_unchecked)
{
    uint64_t f[TSC_SOURCE_COUNT] = {[TSC_FROM_CPUID] = 2400 * MHZ};
    struct tsc_choice c;
    cr_assert_str_eq(chosen(f, &c), "2400.0 MHz from cpuid 0x15 (no timer to check it against)");
}
