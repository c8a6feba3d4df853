/* Unit tests of a partition's device table (hv/device_model.c). */
#include <criterion/criterion.h>

#include "hv/device_model.h"
#include "hv/partition.h"

static struct device_table table;
static struct partition partition;
static struct vcpu vcpu = {.partition = &partition};
static int state_a, state_b;

static enum device_result answer_42(struct vcpu *v, void *state, struct device_access *a)
{
    (void)v;
    a->value = state == &state_a ? 42 : 43;
    return DEVICE_DONE;
}

static const struct device_model model = {"test", answer_42};

static void setup(void)
{
    device_table_clear(&table);
    partition = (struct partition){0};
}

TestSuite(device_model, .init = setup);

Test(device_model, finds_the_claim_that_covers_the_whole_access)
{
    cr_assert(device_table_claim(&table, DEVICE_SPACE_MMIO, 0x1000, 0x10, &model, &state_a));
    cr_expect_eq(device_table_find(&table, DEVICE_SPACE_MMIO, 0x1000, 4)->state, &state_a);
    cr_expect_eq(device_table_find(&table, DEVICE_SPACE_MMIO, 0x100c, 4)->state, &state_a);
    cr_expect_eq(device_table_find(&table, DEVICE_SPACE_MMIO, 0x100d, 4)->model,
                 &device_bare_metal);
    cr_expect_eq(device_table_find(&table, DEVICE_SPACE_MMIO, 0xfff, 2)->model, &device_bare_metal);
    /* Another space does not see the claim. */
    cr_expect_eq(device_table_find(&table, DEVICE_SPACE_PORT, 0x1000, 1)->model,
                 &device_bare_metal);
}

Test(device_model, the_earliest_claim_wins)
{
    cr_assert(device_table_claim(&table, DEVICE_SPACE_PORT, 0x20, 2, &model, &state_a));
    cr_assert(device_table_claim(&table, DEVICE_SPACE_PORT, 0x20, 8, &model, &state_b));
    cr_expect_eq(device_table_find(&table, DEVICE_SPACE_PORT, 0x21, 1)->state, &state_a);
    cr_expect_eq(device_table_find(&table, DEVICE_SPACE_PORT, 0x22, 1)->state, &state_b);
}

Test(device_model, a_port_access_goes_to_the_model_of_its_first_port)
{
    struct device_access a = {.space = DEVICE_SPACE_PORT, .address = 0x21, .size = 4};

    cr_assert(device_table_claim(&table, DEVICE_SPACE_PORT, 0x20, 2, &model, &state_a));
    cr_expect_eq(device_table_access(&table, &vcpu, &a), DEVICE_DONE);
    cr_expect_eq(a.value, 42);
    cr_expect_eq(partition.unowned_accesses, 0);
}

Test(device_model, unclaimed_reads_all_ones_and_is_counted)
{
    struct device_access word = {.space = DEVICE_SPACE_PORT, .address = 0x80, .size = 2};
    struct device_access store = {
        .space = DEVICE_SPACE_MMIO, .address = 0x5000, .size = 4, .write = true, .value = 7};

    cr_expect_eq(device_table_access(&table, &vcpu, &word), DEVICE_DONE);
    cr_expect_eq(word.value, 0xffff);
    cr_expect_eq(device_table_access(&table, &vcpu, &store), DEVICE_DONE);
    cr_expect_eq(store.value, 7);
    cr_expect_eq(partition.unowned_accesses, 2);
}

Test(device_model, an_unclaimed_msr_is_left_to_the_cpu)
{
    struct device_access a = {.space = DEVICE_SPACE_MSR, .address = 0x10, .size = 8};

    cr_expect_eq(device_table_access(&table, &vcpu, &a), DEVICE_NO_MODEL);
    cr_expect_eq(partition.unowned_accesses, 0);
}

Test(device_model, refuses_empty_wrapping_and_too_many_claims)
{
    cr_expect_not(device_table_claim(&table, DEVICE_SPACE_PCI, 0x100, 0, &model, 0));
    cr_expect_not(device_table_claim(&table, DEVICE_SPACE_MMIO, UINT64_MAX, 2, &model, 0));
    for (unsigned i = 0; i < DEVICE_CLAIMS_PER_SPACE; i++)
        cr_assert(device_table_claim(&table, DEVICE_SPACE_MSR, i, 1, &model, 0));
    cr_expect_not(device_table_claim(&table, DEVICE_SPACE_MSR, 0x100, 1, &model, 0));
}

Test(device_model, a_pci_function_is_256_addresses)
{
    uint64_t function = DEVICE_PCI_ADDRESS(0, 5, 1, 0);

    cr_assert(device_table_claim(&table, DEVICE_SPACE_PCI, function, DEVICE_PCI_CONFIG_SIZE, &model,
                                 &state_a));
    cr_expect_eq(device_table_find(&table, DEVICE_SPACE_PCI, function + 0xfc, 4)->state, &state_a);
    cr_expect_eq(
        device_table_find(&table, DEVICE_SPACE_PCI, DEVICE_PCI_ADDRESS(0, 5, 2, 0), 4)->model,
        &device_bare_metal);
}
