#include <criterion/criterion.h>

#include "arch/x86_64/ap_token.h"

/* One start: the boot CPU opens a token for APIC 5; exactly one side closes it. */
Test(ap_token, the_named_ap_claims_an_open_start)
{
    uint64_t slot = ap_token_open(1, 5);
    cr_assert(ap_token_claim(&slot, 5));
    cr_assert_eq(ap_token_state(slot), AP_TOKEN_CLAIMED);
    cr_assert_not(ap_token_close(&slot, ap_token_open(1, 5), AP_TOKEN_GIVEN_UP),
                  "the boot CPU cannot give up a claimed start");
}

Test(ap_token, a_given_up_start_cannot_be_claimed)
{
    uint64_t open = ap_token_open(1, 5), slot = open;
    cr_assert(ap_token_close(&slot, open, AP_TOKEN_GIVEN_UP));
    cr_assert_not(ap_token_claim(&slot, 5), "the late AP parks");
    cr_assert_eq(ap_token_state(slot), AP_TOKEN_GIVEN_UP);
}

/* A late AP that finds the next AP's start under way leaves it alone. */
Test(ap_token, a_late_ap_cannot_claim_the_next_start)
{
    uint64_t slot = ap_token_open(2, 6);
    cr_assert_not(ap_token_claim(&slot, 5));
    cr_assert_eq(slot, ap_token_open(2, 6));
    cr_assert(ap_token_claim(&slot, 6));
}

/* The late AP read the open token of its own start, then the boot CPU gave
 * up and opened the next: its compare-and-exchange on the old token fails. */
Test(ap_token, a_stale_open_token_fails_the_exchange)
{
    uint64_t stale = ap_token_open(1, 5), slot = stale;
    cr_assert(ap_token_close(&slot, stale, AP_TOKEN_GIVEN_UP));
    slot = ap_token_open(2, 5); /* the same CPU tried again */
    cr_assert_not(ap_token_close(&slot, stale, AP_TOKEN_CLAIMED));
}

Test(ap_token, layout)
{
    uint64_t t = ap_token_open(0x123456, 0xfffffffe);
    cr_assert_eq((uint32_t)t, 0xfffffffe, "x2APIC ids fit");
    cr_assert_eq(ap_token_state(t), AP_TOKEN_OPEN);
    cr_assert_eq(t >> 40, 0x123456);
    cr_assert_neq(ap_token_open(1, 5), ap_token_open(2, 5));
}
