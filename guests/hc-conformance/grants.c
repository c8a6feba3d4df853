/*
 * Grant creation with every kind of bad argument, the limit of HC_GRANTS,
 * and the errors of mapping what was not granted to us. Successful maps are
 * the business of hc-ping and hc-revoke-grantee.
 */
#include "guests/hc-conformance/conformance.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"

#define PAGE_SIZE 4096

/* One page per grant, so the limit test does not depend on whether a page
 * may be granted twice. */
static uint8_t pages[HC_GRANTS + 1][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static int64_t grant(uint64_t grantee, uint64_t address, uint64_t count, uint64_t flags)
{
    return hypercall(HC_GRANT_CREATE, grantee, address, count, flags);
}

static void check_bad_creates(uint64_t ram_end, uint32_t self_id)
{
    const uint64_t page = (uint64_t)pages[0], rw = HC_GRANT_READ_WRITE;

    EXPECT_EQ(grant(CONFORMANCE_PEER_ID, page, 1, 2), HC_EINVAL);
    EXPECT_EQ(grant(CONFORMANCE_PEER_ID, page, 1, UINT64_MAX), HC_EINVAL);
    EXPECT_EQ(grant(CONFORMANCE_PEER_ID, page + 8, 1, rw), HC_EINVAL);
    EXPECT_EQ(grant(CONFORMANCE_PEER_ID, page, 0, rw), HC_EINVAL);
    EXPECT_EQ(grant(CONFORMANCE_PEER_ID, page, HC_GRANT_MAX_PAGES + 1, rw), HC_EINVAL);
    EXPECT_EQ(grant(CONFORMANCE_PEER_ID, ram_end, 1, rw), HC_EFAULT);
    EXPECT_EQ(grant(CONFORMANCE_PEER_ID, ram_end - PAGE_SIZE, 2, rw), HC_EFAULT);
    EXPECT_EQ(grant(CONFORMANCE_PEER_ID, 0xfffffffffffff000ull, 2, rw), HC_EFAULT);
    EXPECT_EQ(grant(self_id, page, 1, rw), HC_EINVAL);
    EXPECT_EQ(grant(NO_SUCH_PARTITION, page, 1, rw), HC_ENOENT);
}

/* Nothing is granted to us: every map fails, for the reason given. */
static void check_bad_maps(uint32_t self_id, uint32_t own_ref, uint64_t window)
{
    EXPECT_EQ(hc_grant_map(NO_SUCH_PARTITION, 0, window), HC_ENOENT);
    EXPECT_EQ(hc_grant_map(CONFORMANCE_PEER_ID, HC_GRANTS, window), HC_ENOENT);
    EXPECT_EQ(hc_grant_map(self_id, own_ref, window), HC_EPERM);
}

/* Exactly HC_GRANTS grants, read-only and read-write alike, then HC_ENOSPC;
 * each revoked grant is gone. */
static void check_grant_limit(const struct bulkhead_boot_info *info, uint64_t window)
{
    int64_t refs[HC_GRANTS];
    unsigned made = 0, revoked = 0;
    int64_t result;

    while ((result = hc_grant_create(CONFORMANCE_PEER_ID, pages[made], 1, made % 2)) >= 0 &&
           made < HC_GRANTS)
        refs[made++] = result;
    EXPECT_EQ(made, HC_GRANTS);
    EXPECT_EQ(result, HC_ENOSPC);
    if (made > 0)
        check_bad_maps(info->partition_id, (uint32_t)refs[0], window);
    for (unsigned i = 0; i < made; i++)
        revoked += refs[i] < HC_GRANTS && hc_grant_revoke((uint32_t)refs[i]) == 0;
    EXPECT_EQ(revoked, HC_GRANTS);
    if (made > 0)
        EXPECT_EQ(hc_grant_revoke((uint32_t)refs[0]), HC_ENOENT);
    EXPECT_EQ(hc_grant_revoke(HC_GRANTS), HC_ENOENT);
}

void check_grants(const struct bulkhead_boot_info *info)
{
    uint64_t window = hc_grant_window(info->memory_bytes);

    check_bad_creates(info->memory_bytes, info->partition_id);
    check_grant_limit(info, window);
}
