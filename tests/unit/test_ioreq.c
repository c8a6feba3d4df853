/*
 * I/O requests as the server sees them in its page (hv/ioreq.c) on the fake
 * machine of tests/hypercall_world.h: partition 1 serves, partition 2 is a
 * full partition whose accesses are forwarded. The fake answers a vCPU's
 * wait at once, so a forwarded request stays posted in its slot.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hv/ioreq.h"
#include "tests/hypercall_world.h"

#define SERVER_PAGE (4 * WORLD_PAGE)
#define GUEST       2
#define COM1        0x3f8

static void setup(void)
{
    world_reset();
    world_make_full(GUEST);
    int64_t port = world_call2(WORLD_DOM0, HC_EVENT_BIND, 0x40, 0);
    cr_assert_geq(port, 0);
    cr_assert_eq(world_call2(WORLD_DOM0, HC_IOREQ_SERVER, SERVER_PAGE, (uint64_t)port), 0);
    cr_assert_eq(world_call2(WORLD_DOM0, HC_IOREQ_CLAIM, COM1, 8), 0);
}

/* The server goes for good, so the next test starts without claims. */
static void teardown(void)
{
    ioreq_server_gone(world_partition(WORLD_DOM0));
}

TestSuite(ioreq, .init = setup, .fini = teardown);

static struct hc_ioreq posted_for(const struct vcpu *vcpu)
{
    struct hc_ioreq request;

    memcpy(&request, world_ram(WORLD_DOM0) + SERVER_PAGE + vcpu->cpu_index * sizeof(request),
           sizeof(request));
    return request;
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
    cr_assert_leq(sizeof(struct hc_ioreq_page), WORLD_PAGE);
}
