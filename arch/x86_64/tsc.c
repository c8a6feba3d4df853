/*
 * The TSC's frequency: what CPUID 0x15 states when a timer agrees, else a
 * measurement against the HPET, the ACPI PM timer or the PIT (several
 * windows each, the median), cross-checked between the timers there are.
 */
#include "arch/x86_64/tsc.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tsc_choice.h"
#include "drivers/acpi.h"
#include "drivers/hpet.h"
#include "drivers/pit.h"
#include "drivers/pm_timer.h"
#include "hv/arch.h"
#include "hv/log.h"
#include "hv/memory.h"

#define FALLBACK_TSC_HZ      2000000000ull
#define WINDOW_MS            10
#define WINDOWS              5
#define WINDOW_TRIES         (3 * WINDOWS)
#define STAMP_TRIES          5
#define MAX_POLLS            100000000u
#define DEAD_CLOCK_FACTOR    20
#define CPUID_INVARIANT_TSC  (1u << 8) /* CPUID 0x80000007 EDX */
#define CPUID_EXTENDED_POWER 0x80000007u

/* A reference clock: a counter of known frequency and width. */
struct ref_clock {
    enum tsc_source source;
    uint64_t hz, mask;
    uint64_t (*read)(void);
};

static struct hpet hpet;
static struct pm_timer pm_timer;
static uint64_t tsc_hz;
static struct ref_clock wall_clock; /* the timer time-outs are checked against */

static uint64_t read_hpet(void)
{
    return hpet_read(&hpet);
}

uint64_t arch_read_tsc(void)
{
    return cpu_rdtsc();
}

static uint64_t read_pm_timer(void)
{
    return pm_timer_read(&pm_timer);
}

/* A reference reading bracketed by two TSC reads; spread is the bracket's
 * width, so an SMI or a descheduled emulator thread shows as a wide one. */
struct stamp {
    uint64_t tsc, ref, spread;
};

static struct stamp take_stamp(const struct ref_clock *clock)
{
    struct stamp best = {0, 0, UINT64_MAX};

    for (int i = 0; i < STAMP_TRIES; i++) {
        uint64_t before = cpu_rdtsc();
        uint64_t ref = clock->read();
        uint64_t after = cpu_rdtsc();
        if (after - before < best.spread)
            best = (struct stamp){before + (after - before) / 2, ref, after - before};
    }
    return best;
}

/* The reference ticks since *last, which moves on to now. */
static uint64_t ticks_since(const struct ref_clock *clock, uint64_t *last, uint64_t now)
{
    uint64_t step = tsc_ref_step(*last, now, clock->mask);

    *last = now;
    return step;
}

/* One window of at least WINDOW_MS; 0 when it cannot be trusted. */
static uint64_t measure_window(const struct ref_clock *clock)
{
    uint64_t window = clock->hz * WINDOW_MS / 1000, elapsed = 0, step;
    struct stamp start = take_stamp(clock);
    uint64_t last = start.ref;

    for (uint32_t polls = 0; elapsed < window; polls++) {
        step = ticks_since(clock, &last, clock->read());
        if (step == UINT64_MAX || polls == MAX_POLLS)
            return 0; /* the clock jumped, or it does not move */
        elapsed += step;
    }
    struct stamp end = take_stamp(clock);
    step = ticks_since(clock, &last, end.ref);
    uint64_t tsc_ticks = end.tsc - start.tsc;
    if (step == UINT64_MAX || !tsc_window_trusted(start.spread, end.spread, tsc_ticks))
        return 0;
    return tsc_hz_from_window(tsc_ticks, elapsed + step, clock->hz);
}

static uint64_t measure_against(const struct ref_clock *clock)
{
    uint64_t figures[WINDOWS];
    unsigned count = 0;

    for (unsigned tries = 0; tries < WINDOW_TRIES && count < WINDOWS; tries++) {
        uint64_t hz = measure_window(clock);
        if (hz >= TSC_MIN_HZ && hz <= TSC_MAX_HZ)
            figures[count++] = hz;
    }
    return count >= (WINDOWS + 1) / 2 ? tsc_median(figures, count) : 0;
}

static uint64_t cpuid_figure(void)
{
    struct cpuid_regs max = cpu_cpuid(0, 0);
    struct cpuid_regs version = cpu_cpuid(1, 0);
    uint32_t family = (version.eax >> 8) & 0xf;
    uint32_t model = ((version.eax >> 4) & 0xf) | ((version.eax >> 12) & 0xf0);

    if (max.eax < 0x15)
        return 0;
    struct cpuid_regs leaf = cpu_cpuid(0x15, 0);
    return tsc_hz_from_cpuid15(leaf.eax, leaf.ebx, leaf.ecx, family == 6 ? model : 0);
}

/* The timers this machine has, in the order they are trusted. */
static unsigned find_clocks(const struct acpi_info *acpi, struct ref_clock clocks[])
{
    unsigned count = 0;

    if (acpi->hpet_address && hpet_start(&hpet, phys_to_virt(acpi->hpet_address)))
        clocks[count++] = (struct ref_clock){TSC_FROM_HPET, hpet.hz, hpet.mask, read_hpet};
    if (acpi->pm_timer_port) {
        pm_timer_init(&pm_timer, acpi->pm_timer_port, acpi->pm_timer_32bit);
        clocks[count++] =
            (struct ref_clock){TSC_FROM_PM_TIMER, PM_TIMER_HZ, pm_timer.mask, read_pm_timer};
    }
    pit_counter_start();
    clocks[count++] = (struct ref_clock){TSC_FROM_PIT, PIT_HZ, PIT_MASK, pit_counter_read};
    return count;
}

static void report_invariance(void)
{
    if (cpu_cpuid(0x80000000u, 0).eax >= CPUID_EXTENDED_POWER &&
        (cpu_cpuid(CPUID_EXTENDED_POWER, 0).edx & CPUID_INVARIANT_TSC))
        return;
    log_line("tsc: not invariant (CPUID 0x80000007 EDX bit 8 clear): its rate may change with "
             "power states");
}

uint64_t arch_calibrate_tsc(const struct acpi_info *acpi)
{
    struct ref_clock clocks[TSC_SOURCE_COUNT];
    uint64_t figures[TSC_SOURCE_COUNT] = {0};
    struct tsc_choice choice;
    char text[128];

    unsigned count = find_clocks(acpi, clocks);
    figures[TSC_FROM_CPUID] = cpuid_figure();
    for (unsigned i = 0; i < count; i++)
        figures[clocks[i].source] = measure_against(&clocks[i]);
    wall_clock = clocks[0];
    if (!tsc_choose(figures, &choice)) {
        log_error("tsc: no timer gave a usable figure; assuming %llu MHz",
                  (unsigned long long)(FALLBACK_TSC_HZ / 1000000));
        tsc_hz = FALLBACK_TSC_HZ;
    } else {
        tsc_choice_format(&choice, text, sizeof(text));
        log_line("tsc: %s", text);
        tsc_hz = choice.hz;
    }
    report_invariance();
    return tsc_hz;
}

void wall_wait_start(struct wall_wait *wait, uint64_t milliseconds)
{
    wait->tsc_start = cpu_rdtsc();
    wait->tsc_ticks = tsc_hz * milliseconds / 1000;
    wait->ref_last = wall_clock.read ? wall_clock.read() : 0;
    wait->ref_elapsed = 0;
    wait->ref_ticks = wall_clock.hz * milliseconds / 1000;
}

/* A reference timer that stopped counting cannot hold the wait forever:
 * the TSC alone ends it at DEAD_CLOCK_FACTOR times the time. */
bool wall_wait_over(struct wall_wait *wait)
{
    uint64_t tsc_elapsed = cpu_rdtsc() - wait->tsc_start;

    if (wall_clock.read) {
        uint64_t now = wall_clock.read();
        wait->ref_elapsed += (now - wait->ref_last) & wall_clock.mask;
        wait->ref_last = now;
    }
    if (tsc_elapsed >= DEAD_CLOCK_FACTOR * wait->tsc_ticks)
        return true;
    return tsc_elapsed >= wait->tsc_ticks && wait->ref_elapsed >= wait->ref_ticks;
}
