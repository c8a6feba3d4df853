/*
 * I/O requests as the server sees them in its page (hv/ioreq.c) on the fake
 * machine of tests/hypercall_world.h: partition 1 serves, partition 2 is a
 * full partition whose accesses are forwarded. The fake answers a vCPU's
 * wait at once, so a forwarded request stays posted in its slot.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hv/device_model.h"
#include "hv/ioreq.h"
#include "tests/hypercall_world.h"

#define SERVER_PAGE (4 * WORLD_PAGE)
#define GUEST       2
#define COM1        0x3f8

static void setup(void)
{
    world_reset();
    world_make_full(GUEST);
    cr_assert_eq(world_call2(WORLD_DOM0, HC_IOREQ_SERVER, SERVER_PAGE, 0), 0);
    cr_assert_eq(world_call2(WORLD_DOM0, HC_IOREQ_CLAIM, COM1, 8), 0);
}

/* The server goes for good, so the next test starts without claims. */
static void teardown(void)
{
    ioreq_server_gone(world_partition(WORLD_DOM0));
}

TestSuite(ioreq, .init = setup, .fini = teardown);

static struct hc_ioreq_page *server_page(void)
{
    return (struct hc_ioreq_page *)(world_ram(WORLD_DOM0) + SERVER_PAGE);
}

static struct hc_ioreq posted_for(const struct vcpu *vcpu)
{
    return server_page()->slots[vcpu->cpu_index];
}

static bool pending_bit(const struct vcpu *vcpu)
{
    return server_page()->pending[vcpu->cpu_index / 64] >> (vcpu->cpu_index % 64) & 1;
}

Test(ioreq, an_element_of_a_rep_string_instruction_carries_its_count)
{
    struct vcpu *vcpu = world_partition(GUEST)->vcpus[0];
    uint32_t value = 'A';

    cr_assert(ioreq_forward(vcpu, COM1, 1, true, &value, 7));
    struct hc_ioreq request = posted_for(vcpu);
    cr_assert_eq(request.state, HC_IOREQ_PENDING);
    cr_assert_eq(request.kind, HC_IOREQ_PORT);
    cr_assert_eq(request.port, COM1);
    cr_assert_eq(request.size, 1);
    cr_assert_eq(request.write, 1);
    cr_assert_eq(request.data, 'A');
    cr_assert_eq(request.rep_count, 7);
    cr_assert_eq(request.partition_id, GUEST);
}

/* Each follows a string element in the same slot, whose count must not
 * stay behind. */
Test(ioreq, other_accesses_carry_no_count)
{
    struct vcpu *vcpu = world_partition(GUEST)->vcpus[1];
    uint32_t value = 0;

    cr_assert(ioreq_forward(vcpu, COM1, 1, true, &value, 7));
    cr_assert_eq(posted_for(vcpu).rep_count, 7);
    cr_assert(ioreq_forward(vcpu, COM1 + 5, 1, false, &value, 0));
    cr_assert_eq(posted_for(vcpu).rep_count, 0);
    cr_assert_eq(posted_for(vcpu).write, 0);
    cr_assert(ioreq_forward(vcpu, COM1, 1, true, &value, 7));
    cr_assert(ioreq_forward_mmio(vcpu, 0xfe000000ull, 4, true, &value));
    cr_assert_eq(posted_for(vcpu).kind, HC_IOREQ_MMIO);
    cr_assert_eq(posted_for(vcpu).rep_count, 0);
}

Test(ioreq, the_appended_count_keeps_the_layout_of_the_fields_before_it)
{
    cr_assert_eq(offsetof(struct hc_ioreq, address), 32);
    cr_assert_eq(offsetof(struct hc_ioreq, rep_count), 40);
    cr_assert_eq(sizeof(struct hc_ioreq), 48);
    cr_assert_eq(offsetof(struct hc_ioreq_page, slots), 64);
}

Test(ioreq, a_request_sets_the_bit_of_its_slot_and_only_that)
{
    struct vcpu *vcpu = world_partition(GUEST)->vcpus[1];
    uint32_t value = 0;

    cr_assert(ioreq_forward(vcpu, COM1 + 5, 1, false, &value, 0));
    cr_assert(pending_bit(vcpu));
    uint64_t others = 0;
    for (unsigned word = 0; word < HC_IOREQ_SLOTS / 64; word++)
        others |= server_page()->pending[word];
    cr_assert_eq(others, 1ull << (vcpu->cpu_index % 64));
}

/* The server's vCPU learns of it from HC_BLOCK, without an event. */
Test(ioreq, block_tells_the_server_that_requests_wait)
{
    struct vcpu *vcpu = world_partition(GUEST)->vcpus[0];
    uint32_t value = 0;

    cr_assert_eq(world_call1(WORLD_DOM0, HC_BLOCK, 0), 0);
    cr_assert(ioreq_forward(vcpu, COM1 + 5, 1, false, &value, 0));
    cr_assert_eq(world_call1(WORLD_DOM0, HC_BLOCK, 0), HC_BLOCK_REQUESTS);
    cr_assert_eq(world_call1(GUEST, HC_BLOCK, 0), 0, "only the server hears of requests");
}

Test(ioreq, an_answer_must_name_the_sequence_of_the_request_it_completes)
{
    struct vcpu *vcpu = world_partition(GUEST)->vcpus[0];
    uint32_t value = 0;

    cr_assert(ioreq_forward(vcpu, COM1 + 5, 1, false, &value, 0));
    uint64_t sequence = posted_for(vcpu).sequence;
    cr_assert_eq(world_call3(WORLD_DOM0, HC_IOREQ_COMPLETE, vcpu->cpu_index, 0x60, sequence - 1),
                 HC_ENOENT);
    cr_assert_eq(world_call3(WORLD_DOM0, HC_IOREQ_COMPLETE, vcpu->cpu_index, 0x60, sequence), 0);
    cr_assert_eq(world_call3(WORLD_DOM0, HC_IOREQ_COMPLETE, vcpu->cpu_index, 0x60, sequence),
                 HC_ENOENT, "done already");
    cr_assert_eq(world_call1(WORLD_DOM0, HC_BLOCK, 0), 0, "nothing waits any more");
}

/* The forward entry of a partition's device table, for one access. */
static enum device_result through_forward_entry(struct vcpu *vcpu, struct device_access *a)
{
    return ioreq_forward_model.access(vcpu, 0, a);
}

Test(ioreq, a_forward_entry_turns_a_claimed_port_into_a_request)
{
    struct vcpu *vcpu = world_partition(GUEST)->vcpus[0];
    struct device_access a = {
        .space = DEVICE_SPACE_PORT, .address = COM1 + 7, .size = 1, .write = true, .value = 'x'};

    cr_assert_eq(through_forward_entry(vcpu, &a), DEVICE_DONE);
    struct hc_ioreq request = posted_for(vcpu);
    cr_expect_eq(request.state, HC_IOREQ_PENDING);
    cr_expect_eq(request.port, COM1 + 7);
    cr_expect_eq(request.data, 'x');
    cr_expect_eq(world_partition(GUEST)->unowned_accesses, 0);
}

/* The config names ranges the server never claimed: bare metal answers. */
Test(ioreq, a_forward_entry_the_server_did_not_claim_answers_as_bare_metal)
{
    struct vcpu *vcpu = world_partition(GUEST)->vcpus[0];
    struct device_access port = {.space = DEVICE_SPACE_PORT, .address = 0x2f8, .size = 1};
    struct device_access load = {.space = DEVICE_SPACE_MMIO, .address = 0xfe000000, .size = 4};

    cr_assert_eq(through_forward_entry(vcpu, &port), DEVICE_DONE);
    cr_expect_eq(port.value, 0xff);
    cr_assert_eq(through_forward_entry(vcpu, &load), DEVICE_DONE);
    cr_expect_eq(load.value, 0xffffffff);
    cr_expect_eq(posted_for(vcpu).state, HC_IOREQ_FREE);
    cr_expect_eq(world_partition(GUEST)->unowned_accesses, 2);
}

Test(ioreq, a_forward_entry_of_a_pci_function_posts_its_configuration_cycle)
{
    struct vcpu *vcpu = world_partition(GUEST)->vcpus[1];
    struct device_access a = {
        .space = DEVICE_SPACE_PCI, .address = DEVICE_PCI_ADDRESS(0, 5, 1, 0x3c), .size = 2};

    cr_assert_eq(through_forward_entry(vcpu, &a), DEVICE_DONE);
    struct hc_ioreq request = posted_for(vcpu);
    cr_expect_eq(request.kind, HC_IOREQ_PCI_CONFIG);
    cr_expect_eq(request.address, (5u << 11) | (1u << 8) | 0x3c);
    cr_expect_eq(request.size, 2);
    cr_expect_eq(request.write, 0);
}

Test(ioreq, without_a_server_a_pci_function_answers_as_bare_metal)
{
    struct vcpu *vcpu = world_partition(GUEST)->vcpus[1];
    struct device_access a = {
        .space = DEVICE_SPACE_PCI, .address = DEVICE_PCI_ADDRESS(0, 5, 1, 0), .size = 4};

    ioreq_server_gone(world_partition(WORLD_DOM0));
    cr_assert_eq(through_forward_entry(vcpu, &a), DEVICE_DONE);
    cr_expect_eq(a.value, 0xffffffff);
    cr_expect_eq(posted_for(vcpu).state, HC_IOREQ_FREE);
}
