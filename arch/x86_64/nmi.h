/*
 * NMIs on the physical CPUs. The hypervisor sends one kind itself: the stop
 * of every CPU when the machine must halt. Every other NMI comes from the
 * platform and goes to the partition that owns it (hv/platform_nmi.h).
 * An NMI reaches a CPU either as a VM exit, while a guest runs, or through
 * the IDT, while the hypervisor runs; both end in this file, and none is
 * lost: each is counted, logged and handed on.
 */
#ifndef ARCH_X86_64_NMI_H
#define ARCH_X86_64_NMI_H

#include "hv/vcpu.h"

/* Exit reason 0 with interruption type NMI; unblocks NMIs before the
 * guest goes on. */
int nmi_exit(struct vcpu *vcpu);

/* Stops every other CPU by NMI, then this one: for a machine that must not
 * run on (a fatal machine check). */
__attribute__((noreturn)) void nmi_halt_machine(void);

#endif
