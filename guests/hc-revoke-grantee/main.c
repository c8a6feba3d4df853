/*
 * Maps the page hc-revoke-granter grants, checks its pattern, acknowledges
 * it, and once the granter says it has revoked the grant, touches the page
 * again. The hypervisor must stop this partition on that touch (an EPT
 * violation): "hc-revoke-grantee: still running" must never appear.
 */
#include "guests/hc-revoke-granter/revoke.h"
#include "guests/lib/event.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"

static volatile uint32_t events;

static void on_event(uint8_t vector)
{
    (void)vector;
    events++;
}

static bool pattern_intact(const volatile uint64_t *page)
{
    for (unsigned i = 0; i < REVOKE_PAGE_WORDS; i++) {
        if (page[i] != revoke_pattern(i))
            return false;
    }
    return true;
}

int guest_main(const struct bulkhead_boot_info *info)
{
    uint64_t window = hc_grant_window(info->memory_bytes);
    volatile uint64_t *page = (volatile uint64_t *)(uintptr_t)window;

    EXPECT_EQ(info->partition_id, GRANTEE_ID);
    EXPECT_TRUE(window != 0);
    event_enable_x2apic();
    EXPECT_EQ(event_bind(REVOKE_VECTOR, GRANTER_ID, on_event), REVOKE_PORT);
    EXPECT_EQ(hc_grant_map_retrying(GRANTER_ID, REVOKE_GRANT_REF, window, REVOKE_ATTEMPTS), 0);
    int64_t to_granter = event_connect_retrying(GRANTER_ID, REVOKE_PORT, REVOKE_ATTEMPTS);
    EXPECT_TRUE(to_granter >= 0);
    if (guest_exit_status() != GUEST_STATUS_PASS)
        return guest_exit_status();

    EXPECT_TRUE(pattern_intact(page));
    page[REVOKE_ACK_WORD] = REVOKE_ACK;
    EXPECT_EQ(hc_event_send((uint32_t)to_granter), 0);
    EXPECT_TRUE(event_wait(&events, 1, tsc_after(REVOKE_TIMEOUT_TICKS)));

    printf("hc-revoke-grantee: touching the page after revoke\n");
    (void)page[0];
    printf("hc-revoke-grantee: still running\n");
    return GUEST_STATUS_NOT_STOPPED;
}
