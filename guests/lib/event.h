/*
 * Event ports as interrupts: a port bound with HC_EVENT_BIND raises its
 * vector on this vCPU's x2APIC, and the handler registered here runs for it,
 * followed by the end-of-interrupt the x2APIC needs before it delivers the
 * next one. event_enable_x2apic() must run once before any event can arrive.
 */
#ifndef GUESTS_LIB_EVENT_H
#define GUESTS_LIB_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#define EVENT_VECTOR_MIN 32 /* vectors below are exceptions */

typedef void (*event_handler)(uint8_t vector);

/* x2APIC mode on, and the APIC software-enabled (spurious vector 0xff). */
void event_enable_x2apic(void);

/* Signals the end of the interrupt being handled to the x2APIC. */
void event_eoi(void);

/* Runs handler, then the EOI, whenever vector arrives. */
void event_set_handler(uint8_t vector, event_handler handler);

/* HC_EVENT_BIND(vector, peer_id) with handler installed first, so an event
 * that arrives at once is not reported as unexpected. Returns the port or a
 * negative enum hypercall_error. */
int64_t event_bind(uint8_t vector, uint32_t peer_id, event_handler handler);

/* HC_EVENT_CONNECT to peer_port of peer_id, retried with short HC_BLOCK
 * pauses while the peer has not bound it yet, up to attempts times. Returns
 * the local port or the last error. */
int64_t event_connect_retrying(uint32_t peer_id, uint32_t peer_port, unsigned attempts);

/*
 * Sleeps in HC_BLOCK until *count reaches at_least or the TSC passes
 * tsc_deadline (0: no deadline). Interrupts are off between the check and the
 * block, so an event that comes in between still wakes it. Returns whether
 * the count was reached, or, for an I/O server, whether requests wait (they
 * end the wait too). Interrupts are on afterwards.
 */
bool event_wait(volatile uint32_t *count, uint32_t at_least, uint64_t tsc_deadline);

/* The TSC plus ticks, for deadlines. */
uint64_t tsc_after(uint64_t ticks);

#endif
