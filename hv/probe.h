/* The first guests: a tiny real-mode image run on every CPU right after
 * VMXON, checked exit by exit. */
#ifndef HV_PROBE_H
#define HV_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/arch.h"

/* Constants shared with guests/probe/probe.asm. */
#define PROBE_MAGIC     0x50524f42u /* 'PROB' */
#define PROBE_POST_PORT 0x80
#define PROBE_IO_VALUE  0x42

/* Runs the probe image on this CPU, logs what happened; true when every
 * exit came back as expected. */
bool probe_run(unsigned cpu, const void *image, uint64_t size, struct probe_report *report);

#endif
