/*
 * The config a survey suggests for the machine it looked at: dom0 on the
 * boot CPU's core (with its SMT siblings) owning the consoles (the serial
 * ports and the framebuffer), and one partition per remaining core, or per
 * group of cores when there are more cores than partitions, each core's
 * siblings kept in one partition; the memory left once the hypervisor and
 * dom0 have theirs split evenly. Pure code, so the host tests can feed it
 * recorded machines and read the result back with the config reader.
 */
#ifndef LIB_SURVEY_CONFIG_H
#define LIB_SURVEY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SURVEY_MAX_CPUS    256
#define SURVEY_MAX_SERIALS 4

struct survey_cpu {
    uint32_t apic_id;
    uint32_t package, core, thread; /* where it sits: SMT siblings share package and core */
    bool bsp;
};

/* What the suggestion needs to know of the machine. cpus[] is in the
 * stub's boot_info order; the core numbers CPUs in that order with the boot
 * CPU swapped into slot 0, and so does the suggestion. */
struct survey_machine {
    unsigned cpu_count;
    struct survey_cpu cpus[SURVEY_MAX_CPUS];
    uint64_t usable_bytes;
    unsigned serial_count;
    uint16_t serial_ports[SURVEY_MAX_SERIALS]; /* the first is the console */
    bool has_framebuffer;
};

#define SURVEY_DOM0_MEMORY_MIB 64
#define SURVEY_GUEST_IMAGE     "healthy.elf"

/* Writes the suggested config text (NUL-terminated, cut off at size);
 * returns its length. */
size_t survey_suggest_config(const struct survey_machine *machine, char *buf, size_t size);

#endif
