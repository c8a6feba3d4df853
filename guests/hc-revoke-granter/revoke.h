/*
 * What hc-revoke-granter and hc-revoke-grantee agree on: their partition ids
 * (config order), the granted page's contents, and that each side's first
 * port (port 0), bound for the other, is the one it is signalled on. The
 * granter's first grant is reference 0.
 */
#ifndef GUESTS_HC_REVOKE_GRANTER_REVOKE_H
#define GUESTS_HC_REVOKE_GRANTER_REVOKE_H

#include <stdint.h>

#define GRANTER_ID 1
#define GRANTEE_ID 2

#define REVOKE_GRANT_REF 0
#define REVOKE_PORT      0
#define REVOKE_VECTOR    0x40

#define REVOKE_PAGE_WORDS 512
#define REVOKE_ACK_WORD   (REVOKE_PAGE_WORDS - 1) /* the grantee writes REVOKE_ACK here */
#define REVOKE_ACK        0xac4ac4ac4ac4ac4aull

#define REVOKE_ATTEMPTS      2000
#define REVOKE_TIMEOUT_TICKS 20000000000ull

/* What the granter puts in word i of the page. */
static inline uint64_t revoke_pattern(unsigned i)
{
    return 0x5eed000000000000ull | i;
}

#endif
