/* Deliberate faults for checking, on a given machine, that a hypervisor
 * fault is reported on the consoles and stops only the faulting CPU. */
#ifndef HV_CRASH_TEST_H
#define HV_CRASH_TEST_H

#include "lib/config.h"

/* Does nothing for CONFIG_CRASH_TEST_NONE and _NMI; otherwise never
 * returns. */
void crash_test_run(enum config_crash_test test);

/* crash_test = nmi, on the last CPU once its partitions (none) ran: real
 * NMIs to the CPUs of every unprivileged partition, two each. */
void crash_test_nmi_from_idle_cpu(const struct config *config, unsigned cpu, unsigned cpu_count);

#endif
