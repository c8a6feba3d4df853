#include "arch/x86_64/tsc_choice.h"

#include "lib/format.h"

#define APART_CAP_BP    1000000u /* 10000% */
#define CRYSTAL_24MHZ   24000000u
#define CRYSTAL_25MHZ   25000000u
#define CRYSTAL_19_2MHZ 19200000u
#define TRUST_PER_MILLE 1 /* the ends may blur a window by 0.1% */

uint64_t tsc_median(uint64_t *values, unsigned count)
{
    for (unsigned i = 1; i < count; i++) {
        uint64_t v = values[i];
        unsigned j = i;
        for (; j > 0 && values[j - 1] > v; j--)
            values[j] = values[j - 1];
        values[j] = v;
    }
    return count ? values[count / 2] : 0;
}

uint32_t tsc_apart_bp(uint64_t a, uint64_t b)
{
    uint64_t low = a < b ? a : b, diff = a < b ? b - a : a - b;

    if (!low || diff > UINT64_MAX / 10000 || diff * 10000 / low > APART_CAP_BP)
        return APART_CAP_BP;
    return (uint32_t)(diff * 10000 / low);
}

uint64_t tsc_hz_from_window(uint64_t tsc_ticks, uint64_t ref_ticks, uint64_t ref_hz)
{
    if (!ref_ticks || (ref_hz && tsc_ticks > UINT64_MAX / ref_hz))
        return 0;
    return tsc_ticks * ref_hz / ref_ticks;
}

uint64_t tsc_ref_step(uint64_t from, uint64_t to, uint64_t mask)
{
    uint64_t step = (to - from) & mask;

    return step > mask / 2 ? UINT64_MAX : step;
}

bool tsc_window_trusted(uint64_t start_spread, uint64_t end_spread, uint64_t tsc_ticks)
{
    return tsc_ticks && (start_spread + end_spread) * 1000 <= tsc_ticks * TRUST_PER_MILLE;
}

/* The models whose crystal the CPU does not state (SDM Vol. 3B 18.7.3). */
static uint32_t known_crystal_hz(uint32_t model)
{
    switch (model) {
    case 0x4e:
    case 0x5e:
    case 0x8e:
    case 0x9e: /* Skylake and Kaby Lake clients */
        return CRYSTAL_24MHZ;
    case 0x5f: /* Goldmont server (Denverton) */
        return CRYSTAL_25MHZ;
    case 0x5c: /* Goldmont */
        return CRYSTAL_19_2MHZ;
    default:
        return 0;
    }
}

uint64_t tsc_hz_from_cpuid15(uint32_t eax, uint32_t ebx, uint32_t ecx, uint32_t model)
{
    uint64_t crystal = ecx ? ecx : known_crystal_hz(model);

    if (!eax || !ebx || !crystal)
        return 0;
    return crystal * ebx / eax;
}

static bool usable(uint64_t hz)
{
    return hz >= TSC_MIN_HZ && hz <= TSC_MAX_HZ;
}

/* The first other timer that agrees with `source`, else the first other. */
static enum tsc_source second_opinion(const uint64_t figures[], enum tsc_source source)
{
    enum tsc_source any = TSC_FROM_NOTHING;

    for (unsigned s = TSC_FROM_HPET; s < TSC_SOURCE_COUNT; s++) {
        if (s == source || !usable(figures[s]))
            continue;
        if (tsc_apart_bp(figures[s], figures[source]) <= TSC_AGREE_BP)
            return (enum tsc_source)s;
        if (any == TSC_FROM_NOTHING)
            any = (enum tsc_source)s;
    }
    return any;
}

/* The first timer that another one agrees with; when none agree, the
 * first timer there is: one bad timer is outvoted by two good ones. */
static enum tsc_source trusted_timer(const uint64_t figures[])
{
    enum tsc_source first = TSC_FROM_NOTHING;

    for (unsigned s = TSC_FROM_HPET; s < TSC_SOURCE_COUNT; s++) {
        if (!usable(figures[s]))
            continue;
        enum tsc_source other = second_opinion(figures, (enum tsc_source)s);
        if (other != TSC_FROM_NOTHING && tsc_apart_bp(figures[s], figures[other]) <= TSC_AGREE_BP)
            return (enum tsc_source)s;
        if (first == TSC_FROM_NOTHING)
            first = (enum tsc_source)s;
    }
    return first;
}

static void set_choice(struct tsc_choice *choice, const uint64_t figures[], enum tsc_source source,
                       enum tsc_source check)
{
    choice->source = source;
    choice->hz = figures[source];
    choice->check = check;
    choice->apart_bp =
        check == TSC_FROM_NOTHING ? 0 : tsc_apart_bp(figures[source], figures[check]);
    choice->cpuid_hz = figures[TSC_FROM_CPUID];
}

bool tsc_choose(const uint64_t figures[TSC_SOURCE_COUNT], struct tsc_choice *choice)
{
    enum tsc_source timer = trusted_timer(figures);
    bool cpuid = usable(figures[TSC_FROM_CPUID]);

    if (cpuid && (timer == TSC_FROM_NOTHING ||
                  tsc_apart_bp(figures[TSC_FROM_CPUID], figures[timer]) <= TSC_AGREE_BP)) {
        set_choice(choice, figures, TSC_FROM_CPUID, timer);
        return true;
    }
    if (timer == TSC_FROM_NOTHING) {
        *choice =
            (struct tsc_choice){TSC_FROM_NOTHING, 0, TSC_FROM_NOTHING, 0, figures[TSC_FROM_CPUID]};
        return false;
    }
    set_choice(choice, figures, timer, second_opinion(figures, timer));
    return true;
}

const char *tsc_source_name(enum tsc_source source)
{
    static const char *const names[] = {"cpuid 0x15", "hpet", "pm-timer", "pit", "nothing"};

    return source <= TSC_FROM_NOTHING ? names[source] : "?";
}

static size_t format_mhz(char *to, size_t size, uint64_t hz)
{
    uint64_t tenths = (hz + 50000) / 100000;

    return format(to, size, "%llu.%llu MHz", (unsigned long long)(tenths / 10),
                  (unsigned long long)(tenths % 10));
}

static size_t format_check(const struct tsc_choice *c, char *to, size_t size)
{
    uint32_t tenths_pct = (c->apart_bp + 5) / 10;

    if (c->check == TSC_FROM_NOTHING)
        return format(to, size, "no timer to check it against");
    return format(to, size, "%s %s %u.%u%%", tsc_source_name(c->check),
                  c->apart_bp <= TSC_AGREE_BP ? "agrees within" : "disagrees by", tenths_pct / 10,
                  tenths_pct % 10);
}

/* A CPUID figure that was not taken is named, for a reader comparing. */
size_t tsc_choice_format(const struct tsc_choice *c, char *to, size_t size)
{
    size_t len = format_mhz(to, size, c->hz);

    len += format(to + len, size - len, " from %s (", tsc_source_name(c->source));
    len += format_check(c, to + len, size - len);
    if (c->cpuid_hz && c->source != TSC_FROM_CPUID) {
        len += format(to + len, size - len, "; cpuid 0x15 says ");
        len += format_mhz(to + len, size - len, c->cpuid_hz);
    }
    return len + format(to + len, size - len, ")");
}
