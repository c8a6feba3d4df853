/* Deliberate faults for checking, on a given machine, that a hypervisor
 * fault is reported on the consoles and stops only the faulting CPU. */
#ifndef HV_CRASH_TEST_H
#define HV_CRASH_TEST_H

#include "lib/config.h"

/* Does nothing for CONFIG_CRASH_TEST_NONE; otherwise never returns. */
void crash_test_run(enum config_crash_test test);

#endif
