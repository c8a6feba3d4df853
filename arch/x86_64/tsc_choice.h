/*
 * Which TSC frequency to believe, from the figures each source gave: the
 * CPU's own statement (CPUID 0x15) and measurements against the HPET, the
 * ACPI PM timer and the PIT. Pure arithmetic, unit-tested on the host.
 */
#ifndef ARCH_X86_64_TSC_CHOICE_H
#define ARCH_X86_64_TSC_CHOICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* In the order they are trusted: the CPU's statement needs a timer's
 * agreement; among timers, the finer and readable ones come first. */
enum tsc_source {
    TSC_FROM_CPUID = 0,
    TSC_FROM_HPET,
    TSC_FROM_PM_TIMER,
    TSC_FROM_PIT,
    TSC_SOURCE_COUNT,
    TSC_FROM_NOTHING = TSC_SOURCE_COUNT,
};

/* A TSC outside these bounds is a failed measurement, not a CPU. The low
 * end admits emulators whose TSC counts instructions. */
#define TSC_MIN_HZ 10000000ull    /* 10 MHz */
#define TSC_MAX_HZ 10000000000ull /* 10 GHz */

#define TSC_AGREE_BP 200 /* two figures agree within 2% (basis points) */

struct tsc_choice {
    enum tsc_source source;
    uint64_t hz;
    enum tsc_source check; /* the second opinion, TSC_FROM_NOTHING if none */
    uint32_t apart_bp;     /* how far source and check are apart */
    uint64_t cpuid_hz;     /* what CPUID 0x15 said, believed or not; 0: nothing */
};

/* Sorts values[0..count) and returns the middle one (0 when count is 0). */
uint64_t tsc_median(uint64_t *values, unsigned count);

/* |a - b| relative to the smaller, in hundredths of a percent (capped). */
uint32_t tsc_apart_bp(uint64_t a, uint64_t b);

/* TSC Hz from a window: tsc_ticks passed while the reference clock of
 * ref_hz counted ref_ticks. 0 when the window is empty or overflows. */
uint64_t tsc_hz_from_window(uint64_t tsc_ticks, uint64_t ref_ticks, uint64_t ref_hz);

/* The ticks a counter of width mask moved from one reading to the next;
 * UINT64_MAX for a step of more than half its range, which may hide a wrap
 * (a 16-bit PIT wraps every 55 ms, and an emulator's thread can sleep longer). */
uint64_t tsc_ref_step(uint64_t from, uint64_t to, uint64_t mask);

/* A window is trusted when the uncertainty of its two ends (the TSC ticks
 * spent reading the reference clock there) is below 0.1% of its length. */
bool tsc_window_trusted(uint64_t start_spread, uint64_t end_spread, uint64_t tsc_ticks);

/* CPUID 0x15: TSC = crystal (ECX, Hz) * EBX / EAX. Some parts leave ECX 0;
 * the crystal is then known only for a few models (family 6, model given).
 * 0 when the CPU does not say. */
uint64_t tsc_hz_from_cpuid15(uint32_t eax, uint32_t ebx, uint32_t ecx, uint32_t model);

/* Picks from figures[source] (0 = none). False when no figure is usable. */
bool tsc_choose(const uint64_t figures[TSC_SOURCE_COUNT], struct tsc_choice *choice);

const char *tsc_source_name(enum tsc_source source);

/* "2096.1 MHz from hpet (pit agrees within 0.4%)", for the log. */
size_t tsc_choice_format(const struct tsc_choice *choice, char *to, size_t size);

#endif
