/*
 * Static partitions: each gets the CPUs and the private memory its config
 * section names, an EPT that maps that memory and nothing else, and its
 * image. A partition that crashes is stopped (or restarted) on its own CPUs;
 * nothing it does reaches another partition or the hypervisor.
 */
#ifndef HV_PARTITION_H
#define HV_PARTITION_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/ept.h"
#include "arch/x86_64/vcpu.h"
#include "hv/boot_info.h"
#include "hv/config.h"
#include "hv/spinlock.h"
#include "hv/vapic.h"

enum partition_state {
    PARTITION_RUNNING = 0,
    PARTITION_STOPPED, /* ended cleanly: exit port, HLT, time limit */
    PARTITION_CRASHED,
};

#define PARTITION_CONSOLE_LINE 160
#define PARTITION_MAX_RESTARTS 3

struct partition {
    unsigned id;
    const struct config_partition *config;
    const struct boot_module *image;
    uint64_t ram_phys, ram_size;
    struct ept ept;
    uint64_t ept_pages; /* EPT tables, for the overhead report */
    bool long_mode;     /* ELF64 image: enter in long mode */
    uint64_t entry;     /* guest-physical entry point */
    unsigned boot_cpu;  /* the physical CPU of vCPU 0 */
    volatile enum partition_state state;
    const char *stop_cause;
    uint32_t exit_status;
    bool has_exit_status;
    unsigned restarts;
    uint64_t deadline_tsc;
    uint64_t unowned_port_accesses;
    struct vcpu *vcpus[CONFIG_MAX_CPUS]; /* by vCPU index = x2APIC ID */
    unsigned vcpu_count;
    volatile unsigned vcpus_running;
    volatile bool stopping; /* every vCPU is to leave its guest */
    volatile bool crashed;  /* one vCPU crashed in this run */
    volatile bool finished; /* for good: no restart will follow */
    uint64_t dropped_ipis;  /* IPIs aimed outside the partition */
    struct spinlock console_lock;
    char console_line[PARTITION_CONSOLE_LINE + 1];
    unsigned console_len;
};

struct partition_counts {
    unsigned total, running, stopped, crashed;
};

/* On the boot CPU, once every CPU has reported: builds every partition of the
 * config (memory, EPT, image). False when one cannot be built; then none
 * runs. */
bool partitions_create(const struct config *config, const struct boot_info *boot, uint64_t tsc_hz);

/* On every CPU: runs the vCPU this CPU is given, if any, until its partition
 * has stopped for good. CPUs given to no partition return at once. */
void partitions_run_on_this_cpu(unsigned cpu);

/* On the boot CPU: waits until every partition has stopped or crashed. */
void partitions_wait(void);

struct partition_counts partitions_count(void);

/* For the exit handlers. */
const char *partition_name(const struct partition *partition);
bool partition_is_pv(const struct partition *partition);
struct cpuid_regs partition_cpuid_leaf(uint32_t leaf);

/* Before every VM entry of a partition's vCPU: acts on stop requests, INIT,
 * the time limit and the APIC timer, injects a pending interrupt and sets
 * the preemption timer. Returns nonzero to enter the guest. */
int partition_vcpu_before_entry(struct vcpu *vcpu);

/* The guest executed HLT with interrupts on: sleeps until it has an
 * interrupt to take (or must stop). Returns nonzero to resume it. */
int partition_vcpu_wait(struct vcpu *vcpu);

/* An IPI from the vCPU's local APIC: delivered to vCPUs of the same
 * partition only; anything aimed elsewhere is dropped. */
void partition_send_ipi(struct vcpu *from, const struct vapic_ipi *ipi);

/* Ends the current run of the partition on every one of its vCPUs. */
void partition_stop_all(struct partition *partition);
/* A port access of the guest: value in (out) or to fill (in). Returns false
 * when the access ended the vCPU (the exit port). */
bool partition_port_access(struct vcpu *vcpu, uint16_t port, unsigned size, bool out,
                           uint32_t *value);

#endif
