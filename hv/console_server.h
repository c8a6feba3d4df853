/*
 * The console backend: a privileged partition that prints the console
 * output of pv partitions. Each pv partition (not privileged, console not
 * none) writes into the ring page at GUEST_CONSOLE_RING_ADDRESS of its own
 * RAM; once a backend registers, the hypervisor maps each of those pages
 * into the backend's window, one page per partition id, and connects each
 * partition's console event port to the backend's port.
 *
 * A mapping never goes stale under the backend: a partition that restarts
 * keeps its ring page in place, and the page of a destroyed partition stays
 * mapped (and allocated) until the backend releases it or goes away itself.
 */
#ifndef HV_CONSOLE_SERVER_H
#define HV_CONSOLE_SERVER_H

#include <stdbool.h>
#include <stdint.h>

struct partition;

/* HC_CONSOLE_SERVER: returns the bit mask of the ids now mapped, or HC_E*. */
int64_t console_register_server(struct partition *caller, uint64_t window, uint64_t port);

/* HC_CONSOLE_RELEASE: unmaps and frees the ring of a destroyed partition. */
int64_t console_release(struct partition *caller, uint64_t id);

/* After the partition's image was loaded into zeroed RAM: sets up its ring
 * page, and connects it when a backend is there. */
void console_prepare_ring(struct partition *p);

/* The partition's run ended: if it was the backend, every ring is
 * disconnected and unmapped from it, and the partitions print through their
 * console port again. */
void console_server_gone(struct partition *p);

/* The partition is being destroyed: returns true when its ring page must
 * stay allocated (the backend still maps it); the caller frees the rest. */
bool console_partition_destroyed(struct partition *p);

#endif
