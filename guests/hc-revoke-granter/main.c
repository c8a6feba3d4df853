/*
 * Grants a page to hc-revoke-grantee, waits until the grantee has read it
 * and written its acknowledgement, revokes the grant and tells the grantee,
 * whose next touch of the page must stop it (see hc-revoke-grantee).
 */
#include "guests/hc-revoke-granter/revoke.h"
#include "guests/lib/event.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"

static volatile uint64_t page[REVOKE_PAGE_WORDS] __attribute__((aligned(4096)));
static volatile uint32_t events;

static void on_event(uint8_t vector)
{
    (void)vector;
    events++;
}

int guest_main(const struct bulkhead_boot_info *info)
{
    EXPECT_EQ(info->partition_id, GRANTER_ID);
    for (unsigned i = 0; i < REVOKE_PAGE_WORDS; i++)
        page[i] = revoke_pattern(i);
    event_enable_x2apic();
    EXPECT_EQ(event_bind(REVOKE_VECTOR, GRANTEE_ID, on_event), REVOKE_PORT);
    EXPECT_EQ(hc_grant_create(GRANTEE_ID, (const void *)page, 1, HC_GRANT_READ_WRITE),
              REVOKE_GRANT_REF);
    int64_t to_grantee = event_connect_retrying(GRANTEE_ID, REVOKE_PORT, REVOKE_ATTEMPTS);
    EXPECT_TRUE(to_grantee >= 0);
    if (guest_exit_status() != GUEST_STATUS_PASS)
        return guest_exit_status();

    EXPECT_TRUE(event_wait(&events, 1, tsc_after(REVOKE_TIMEOUT_TICKS)));
    EXPECT_EQ(page[REVOKE_ACK_WORD], REVOKE_ACK);
    EXPECT_EQ(hc_grant_revoke(REVOKE_GRANT_REF), 0);
    printf("hc-revoke-granter: revoked\n");
    EXPECT_EQ(hc_grant_revoke(REVOKE_GRANT_REF), HC_ENOENT);
    EXPECT_EQ(hc_event_send((uint32_t)to_grantee), 0);
    return guest_exit_status();
}
