/*
 * Typed wrappers for the hypercalls of include/bulkhead/hypercall.h (docs/hypercalls.md
 * describes each one). Every wrapper returns what the call left in RAX: 0 or
 * a positive result, or a negative enum hypercall_error. Pointers are passed
 * as they are: the guest runs on an identity map, so they are guest-physical.
 *
 * hypercall() takes raw 64-bit arguments, for tests that pass what no typed
 * wrapper would (a pointer outside RAM, an unknown call number).
 */
#ifndef GUESTS_LIB_HYPERCALL_H
#define GUESTS_LIB_HYPERCALL_H

#include "include/bulkhead/hypercall.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int64_t hypercall(uint64_t number, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);

/* True when CPUID says Bulkhead is underneath and the ABI's major version
 * is ours. A full partition sees no hypervisor: false. */
bool hc_present(void);

int64_t hc_null(void);
int64_t hc_version(void);
int64_t hc_console_write(const char *text, size_t length);
int64_t hc_yield(void);
int64_t hc_block(uint64_t tsc_deadline);
int64_t hc_self_info(struct hc_self_info *info);

int64_t hc_event_bind(uint8_t vector, uint32_t peer_id);
int64_t hc_event_connect(uint32_t peer_id, uint32_t peer_port);
int64_t hc_event_send(uint32_t port);
int64_t hc_event_unbind(uint32_t port);
int64_t hc_event_mask(uint32_t port);
int64_t hc_event_unmask(uint32_t port);

int64_t hc_grant_create(uint32_t grantee_id, const void *first_page, uint64_t pages,
                        uint64_t flags);
int64_t hc_grant_map(uint32_t granter_id, uint32_t ref, uint64_t address);
int64_t hc_grant_unmap(uint32_t granter_id, uint32_t ref);
int64_t hc_grant_revoke(uint32_t ref);

int64_t hc_timer_set(uint64_t tsc_deadline, uint32_t port);

int64_t hc_partition_list(struct hc_partition_entry *entries, uint64_t count);
int64_t hc_partition_stop(uint32_t id);
int64_t hc_partition_start(uint32_t id);
int64_t hc_partition_restart(uint32_t id);
int64_t hc_partition_destroy(uint32_t id);
int64_t hc_partition_shutdown(uint32_t id);
int64_t hc_irq_line(uint32_t id, unsigned line, bool high);
/* A device model's message-signalled interrupt into partition id. */
int64_t hc_irq_msi(uint32_t id, uint32_t address, uint32_t data);
/* Text a partition the caller serves wrote, printed as that partition's. */
int64_t hc_console_write_for(uint32_t id, const char *text, size_t length);
/* Up to length bytes of the hypervisor log from stream position cursor;
 * span (may be 0) receives where they start and where the log ends. */
int64_t hc_log_read(char *buffer, uint64_t length, uint64_t cursor, struct hc_log_span *span);
int64_t hc_machine_control(enum hc_machine_action action);
int64_t hc_console_take(uint16_t serial_port);
/* Vector 0 masks the IRQ again. */
int64_t hc_device_irq_bind(unsigned irq, uint8_t vector);
int64_t hc_device_irq_unmask(unsigned irq);

int64_t hc_ioreq_server(struct hc_ioreq_page *page);
int64_t hc_ioreq_claim(uint16_t first_port, uint32_t count, uint32_t flags);
int64_t hc_ioreq_complete(uint32_t slot, uint32_t value, uint64_t sequence);
int64_t hc_ioreq_claim_mmio(uint64_t base, uint64_t length, uint32_t flags);
int64_t hc_ioreq_copy(uint32_t partition_id, uint64_t address, void *buffer, uint64_t length,
                      uint32_t flags);

int64_t hc_console_server(uint64_t window, uint32_t port);
int64_t hc_console_release(uint32_t id);

/* Pause between the attempts of the *_retrying helpers: short everywhere
 * (under Bochs a TSC tick is one emulated instruction). */
#define HC_RETRY_PAUSE_TICKS 1000000ull

/* The first page-aligned guest-physical address past RAM, where a grantee
 * maps what it is granted, made reachable through the guest's page tables.
 * 0 when it cannot be mapped. */
uint64_t hc_grant_window(uint64_t memory_bytes);

/* HC_GRANT_MAP, retried with short HC_BLOCK pauses while the granter has
 * not created the grant yet, up to attempts times; the last result. */
int64_t hc_grant_map_retrying(uint32_t granter_id, uint32_t ref, uint64_t address,
                              unsigned attempts);

/* "HC_EINVAL" for -1 and so on; "ok" for 0 and above. */
const char *hc_error_name(int64_t result);

#endif
