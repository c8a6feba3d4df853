/*
 * Machine checks: read the CPU's MCA banks, log them, and act as
 * arch/x86_64/mce_policy.c decides: resume, stop the partition whose run
 * the event interrupted, or halt the machine.
 */
#ifndef ARCH_X86_64_MACHINE_CHECK_H
#define ARCH_X86_64_MACHINE_CHECK_H

#include "hv/vcpu.h"

/* A #MC in the guest (exit reason 0, vector 18) or during VM entry (exit
 * reason 41). */
int machine_check_exit(struct vcpu *vcpu);

#endif
