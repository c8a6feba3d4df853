/*
 * The legacy PC devices of a full partition as its device table reaches
 * them: the 8254 PIT with port 0x61, the RTC/CMOS, ports 0x80 and 0x92, the
 * keyboard controller's reset line where no keyboard is given, and
 * the PCI host bridge (configuration ports and ECAM). The models are pure
 * (vpit.h, vrtc.h, vsystem_ports.h, vpci_host.h); this glue gives them the
 * time, one lock, and their interrupt lines (IRQ 0 and 8), which vCPU 0
 * raises when it finds their deadline due, as it does its local timer's.
 */
#ifndef ARCH_X86_64_VPLATFORM_LEGACY_H
#define ARCH_X86_64_VPLATFORM_LEGACY_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/vplatform/vkbc.h"
#include "arch/x86_64/vplatform/vpit.h"
#include "arch/x86_64/vplatform/vrtc.h"
#include "arch/x86_64/vplatform/vsystem_ports.h"
#include "hv/spinlock.h"

/* The time of day the RTC starts from when the firmware has no clock,
 * 2026-01-01 00:00:00 UTC. */
#define VLEGACY_RTC_EPOCH 1767225600

struct vlegacy {
    struct spinlock lock;
    uint64_t origin; /* the TSC at tick 0 of the platform clock */
    struct vpit pit;
    struct vrtc rtc;
    bool rtc_running; /* since the partition's first run: later runs keep its CMOS */
    struct vsystem_ports ports;
    struct vkbc kbc;
};

struct partition;
struct vcpu;

void vlegacy_reset(struct partition *p);

/* Claims the devices' ports and the ECAM window in a full partition's
 * device table; false when it is full. */
bool vlegacy_register(struct partition *p);

/* The TSC at which a timer next raises its line, 0 for none. */
uint64_t vlegacy_deadline(struct partition *p);

/* Raises the lines of the timers due at `now`. */
void vlegacy_tick(struct partition *p, uint64_t now);

#endif
