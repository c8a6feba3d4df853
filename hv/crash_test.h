/* Deliberate faults for checking, on a given machine, that a hypervisor
 * fault is reported on the consoles and stops only the faulting CPU. */
#ifndef HV_CRASH_TEST_H
#define HV_CRASH_TEST_H

#include <stdbool.h>

#include "lib/config.h"

/* Does nothing for CONFIG_CRASH_TEST_NONE, _NMI and _EXIT_FAULTS;
 * otherwise never returns. */
void crash_test_run(enum config_crash_test test);

/* The tests that act while partitions run are armed at boot. */
void crash_test_arm(enum config_crash_test test);
bool crash_test_armed(enum config_crash_test test);

/* crash_test = exit-faults: a CPUID of this leaf makes the exit handler
 * read unmapped memory, a fault the hypervisor must contain to the
 * partition that asked. */
#define CRASH_TEST_CPUID_LEAF 0x4b7f0000u
void crash_test_fault_in_exit_handler(void);

/* crash_test = nmi, on the last CPU once its partitions (none) ran: real
 * NMIs to the CPUs of every unprivileged partition, two each. */
void crash_test_nmi_from_idle_cpu(const struct config *config, unsigned cpu, unsigned cpu_count);

#endif
