/*
 * hc-conformance calls every hypercall with good and bad arguments and
 * checks each result. It runs non-privileged, as partition CONFORMANCE_ID,
 * beside one other partition of any kind, CONFORMANCE_PEER_ID: grants need
 * a grantee that exists.
 */
#ifndef GUESTS_HC_CONFORMANCE_CONFORMANCE_H
#define GUESTS_HC_CONFORMANCE_CONFORMANCE_H

#include "include/bulkhead/guest_abi.h"

#include <stdint.h>

#define CONFORMANCE_ID      1
#define CONFORMANCE_PEER_ID 2
#define NO_SUCH_PARTITION   99

/* Short waits: a timer deadline, a pause to see that nothing arrives. */
#define SHORT_TICKS 1000000ull
/* Long enough for anything that should arrive, even under Bochs. */
#define TIMEOUT_TICKS 20000000000ull

void check_events(void);
void check_timer(void);
void check_grants(const struct bulkhead_boot_info *info);
void check_user_mode_vmcall(void);

#endif
