/*
 * The machine around the VM-exit handlers, for host tests: the partitions
 * and RAM of tests/hypercall_world.h, the fake CPU and VMCS of
 * tests/fake_cpu.h, and device models that answer what the test sets in
 * exit_world.answer and record what the handlers asked of them. The
 * handlers run through the real dispatcher, vmexit_dispatch(), by exit
 * reason; the few exits whose handlers live elsewhere (NMI, machine check,
 * interrupt windows, external interrupts) are only counted here.
 */
#ifndef TESTS_EXIT_WORLD_H
#define TESTS_EXIT_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/device_model.h"
#include "tests/fake_cpu.h"
#include "tests/hypercall_world.h"

/* What the device models of the partition answer. */
struct exit_world_answer {
    bool mmio_claimed;        /* a model claims every guest-physical address */
    bool port_stops;          /* a port access ends the vCPU */
    bool mmio_stops;          /* an MMIO access ends the vCPU */
    enum device_result block; /* REP INS/OUTS as one request */
    enum device_result msr;   /* an MSR through the device table */
    uint64_t value;           /* what a read finds */
};

/* What the handlers asked of the device models. */
struct exit_world_record {
    unsigned port_accesses, port_ins, blocks, mmio_accesses, msr_accesses, other_exits;
    unsigned ept_checks; /* entries that re-checked the EPT generation */
    uint16_t last_port;
    unsigned last_size;
    uint64_t last_mmio_address;
    /* The first request that broke the device layer's contract, or 0. */
    const char *violation;
};

struct exit_world {
    struct exit_world_answer answer;
    struct exit_world_record record;
};

extern struct exit_world exit_world;

/* A fresh world (hypercall_world.h), fake CPU and answers; the vCPU under
 * test is vCPU 0 of partition `id`, or with id 0 the probe guest's vCPU
 * (no partition). */
void exit_world_reset(unsigned id);
struct vcpu *exit_world_vcpu(void);

/* One VM exit with the fake VMCS as it stands: vmexit_dispatch(). */
int exit_world_exit(uint32_t reason);

#endif
