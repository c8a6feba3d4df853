/*
 * The platform's NMI (an NMI button, a chipset or bus error, a watchdog):
 * on a PC it reaches the boot CPU through LINT1, and it belongs to whoever
 * owns the platform. Here that is the privileged partition, which gets it as
 * a virtual NMI on its vCPU 0; without one, the NMI is only counted and
 * logged.
 */
#ifndef HV_PLATFORM_NMI_H
#define HV_PLATFORM_NMI_H

#include <stdbool.h>

/* From the arch's NMI handler, on any CPU. Takes no lock, so it may run in
 * an NMI that interrupted the hypervisor; `may_wake` says whether it may
 * also kick the owner's CPU (not from inside an NMI, which may have cut an
 * IPI of the interrupted code in half). Returns the name of the partition
 * that takes it, or 0. */
const char *platform_nmi_raised(bool may_wake);

#endif
