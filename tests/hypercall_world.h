/*
 * A fake machine for host tests of the hypercall layer: three pv partitions
 * (id 1 is the privileged one) with two vCPUs and 64 KiB of RAM each, and
 * recording stand-ins for everything hv/hypercall.c, hv/event.c, hv/grant.c
 * and hv/partition_info.c call outside themselves. The grantees' EPTs are a
 * list of mappings that refuses overlaps; interrupts, flushes, console text,
 * partition commands and machine control are counted so that tests can look
 * at them, and the hypervisor log is a log ring the tests fill.
 */
#ifndef TESTS_HYPERCALL_WORLD_H
#define TESTS_HYPERCALL_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/device_irq.h"
#include "hv/hypercall_dispatch.h"
#include "hv/log_ring.h"
#include "hv/partition.h"
#include "hv/power.h"

#define WORLD_PARTITIONS  3
#define WORLD_VCPUS       2
#define WORLD_RAM_SIZE    (64u * 1024)
#define WORLD_DOM0        1 /* the privileged partition's id */
#define WORLD_PAGE        4096ull
#define WORLD_SERIAL_PORT 0x3f8 /* the hypervisor's console port */
/* The privileged partition owns two UARTs (in its config): 0x2f8 on IRQ 3
 * and 0x3e8 on IRQ 5; and PCI function 00:02.0, on the IRQ its interrupt
 * line register names, 11. */
#define WORLD_OWNED_IRQ       3
#define WORLD_OWNED_IRQ_OTHER 5
#define WORLD_OWNED_PCI_IRQ   11

/* Every grant of every partition could be mapped at once. */
#define WORLD_MAPPINGS (WORLD_PARTITIONS * HC_GRANTS)

struct world_mapping {
    bool used;
    unsigned grantee, granter; /* partition ids */
    uint64_t address;          /* in the grantee's guest-physical space */
    uint64_t granter_address;  /* in the granter's RAM */
    uint64_t size;
    bool writable;
};

struct world_partition_record {
    /* Interrupts delivered, by vCPU and vector. */
    unsigned interrupts[WORLD_VCPUS][256];
    unsigned interrupt_total;
    unsigned flushes;
    unsigned unflushed_unmaps; /* unmaps no flush has followed yet */
    bool flush_times_out;      /* a CPU of this partition never confirms a flush */
    unsigned flush_stops;      /* so the partition was stopped (no stale use left) */
    char console[HC_CONSOLE_MAX * 4];
    unsigned console_len;
    unsigned console_writes;
    enum partition_command command; /* the last one it was given */
    unsigned commands;
    const struct partition *stopped_by;
    unsigned stop_requests;
    unsigned irq_line_changes;
    unsigned irq_line; /* the last change */
    bool irq_high;
    unsigned msis;
    struct vapic_ipi msi; /* the last one */
    unsigned power_button_presses;
    bool power_button_listened; /* what the next press answers */
};

struct world {
    struct partition partitions[WORLD_PARTITIONS];
    struct world_partition_record records[WORLD_PARTITIONS];
    struct world_mapping mappings[WORLD_MAPPINGS];
    /* The hypervisor log as HC_LOG_READ sees it; tests append to it. */
    struct log_ring log;
    /* HC_MACHINE_CONTROL: what was asked, by whom, how often. */
    enum power_action power_action;
    const struct partition *shut_down_by;
    unsigned shutdowns;
    /* The first broken rule a fake noticed (a bad vector, an unmap of
     * something never mapped); 0 while there is none. */
    const char *violation;
    uint64_t pages_freed;      /* memory_free_pages() */
    const void *console_owner; /* who took the console (HC_CONSOLE_TAKE) */
    /* The IOAPIC's pins as arch_irq_route()/arch_irq_mask() left them. */
    struct world_pin {
        bool unmasked;
        unsigned cpu;
        unsigned routes, masks;
        bool level;       /* as arch_irq_route() set it */
        unsigned unmasks; /* arch_irq_unmask() */
    } pins[DEVICE_IRQ_COUNT];
    bool no_ioapic; /* arch_irq_route() fails, as with no IOAPIC */
};

extern struct world world;

/* A fresh machine: zeroed RAM, no ports, grants or mappings, no records. */
void world_reset(void);

/* Partition `id` becomes a full-virtualization one until the next reset. */
void world_make_full(unsigned id);

/* Partition `id` (1..WORLD_PARTITIONS) whether or not it is destroyed. */
struct partition *world_partition(unsigned id);
struct world_partition_record *world_record(unsigned id);
uint8_t *world_ram(unsigned id);

/* What partition.c does before a partition starts a new run: its grants,
 * channels and timer go. */
void world_restart(unsigned id);
/* Takes the partition away as a destroy does: partition_by_id() no longer
 * finds it. */
void world_destroy(unsigned id);

/* A Criterion test whose body runs first, then `check`: inside the test,
 * where a failed check counts (in a suite's .fini it is only a warning). */
#define WORLD_TEST(suite, name, check)                                                             \
    static void suite##_##name##_body(void);                                                       \
    Test(suite, name)                                                                              \
    {                                                                                              \
        suite##_##name##_body();                                                                   \
        check;                                                                                     \
    }                                                                                              \
    static void suite##_##name##_body(void)

/* Hypercall `number` from vCPU `vcpu` of partition `id`. */
int64_t world_call(unsigned id, unsigned vcpu, uint64_t number, const uint64_t args[6]);
int64_t world_call0(unsigned id, uint64_t number);
int64_t world_call1(unsigned id, uint64_t number, uint64_t a0);
int64_t world_call2(unsigned id, uint64_t number, uint64_t a0, uint64_t a1);
int64_t world_call3(unsigned id, uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2);
int64_t world_call4(unsigned id, uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2,
                    uint64_t a3);

/* The fake EPT entry that covers guest-physical `address` of partition
 * `grantee`, or 0. */
const struct world_mapping *world_mapping_at(unsigned grantee, uint64_t address);
unsigned world_mapping_count(void);

/* Checks that the grant and port tables agree with each other and with the
 * fake EPTs; returns 0 or what is wrong. */
const char *world_check(void);

#endif
