/*
 * The hand-shake of one AP start. The boot CPU publishes a token naming the
 * APIC id it is starting; that AP, and only while the token is open, turns
 * it into "claimed" with one compare-and-exchange before it touches anything
 * shared. A boot CPU that gives up turns it into "given up" the same way, so
 * exactly one side wins and an AP that comes too late parks untouched.
 * The AP's side is written out in trampoline.asm; this is its C model.
 */
#ifndef ARCH_X86_64_AP_TOKEN_H
#define ARCH_X86_64_AP_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

/* Bits 0-31 the APIC id, 32-39 the state, 40-63 a sequence number that makes
 * every start's token different from any earlier one. */
#define AP_TOKEN_OPEN        1
#define AP_TOKEN_CLAIMED     2
#define AP_TOKEN_GIVEN_UP    3
#define AP_TOKEN_STATE_SHIFT 32

static inline uint64_t ap_token_open(uint32_t sequence, uint32_t apic_id)
{
    return (uint64_t)(sequence & 0xffffff) << 40 | (uint64_t)AP_TOKEN_OPEN << AP_TOKEN_STATE_SHIFT |
           apic_id;
}

static inline unsigned ap_token_state(uint64_t token)
{
    return (unsigned)(token >> AP_TOKEN_STATE_SHIFT) & 0xff;
}

static inline uint64_t ap_token_with_state(uint64_t token, unsigned state)
{
    return (token & ~(0xffull << AP_TOKEN_STATE_SHIFT)) | (uint64_t)state << AP_TOKEN_STATE_SHIFT;
}

/* Moves *slot from the open token to `state`; false when the other side
 * moved it first (or it names another start). */
static inline bool ap_token_close(uint64_t *slot, uint64_t open, unsigned state)
{
    uint64_t expected = open;

    return __atomic_compare_exchange_n(slot, &expected, ap_token_with_state(open, state), false,
                                       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/* The AP's side: claim the start only when the token is open and names us. */
static inline bool ap_token_claim(uint64_t *slot, uint32_t my_apic_id)
{
    uint64_t seen = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

    if ((uint32_t)seen != my_apic_id || ap_token_state(seen) != AP_TOKEN_OPEN)
        return false;
    return ap_token_close(slot, seen, AP_TOKEN_CLAIMED);
}

#endif
