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
#include "hv/ioreq_poll.h"
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

/* The forward entry of a partition's device table, for one access. */
static enum device_result through_forward_entry(struct vcpu *vcpu, struct device_access *a)
{
    return ioreq_forward_model.access(vcpu, 0, a);
}

static bool forward_port(struct vcpu *vcpu, uint16_t port, bool write, uint32_t value,
                         uint32_t rep_count)
{
    struct device_access a = {.space = DEVICE_SPACE_PORT,
                              .address = port,
                              .size = 1,
                              .write = write,
                              .value = value,
                              .rep_count = rep_count};
    return through_forward_entry(vcpu, &a) == DEVICE_DONE;
}

static bool pending_bit(const struct vcpu *vcpu)
{
    return server_page()->pending[vcpu->cpu_index / 64] >> (vcpu->cpu_index % 64) & 1;
}

Test(ioreq, an_element_of_a_rep_string_instruction_carries_its_count)
{
    struct vcpu *vcpu = world_partition(GUEST)->vcpus[0];
    cr_assert(forward_port(vcpu, COM1, true, 'A', 7));
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
    struct device_access store = {
        .space = DEVICE_SPACE_MMIO, .address = 0xfe000000ull, .size = 4, .write = true};

    cr_assert_eq(world_call3(WORLD_DOM0, HC_IOREQ_CLAIM_MMIO, 0xfe000000ull, WORLD_PAGE, 0), 0);
    cr_assert(forward_port(vcpu, COM1, true, 0, 7));
    cr_assert_eq(posted_for(vcpu).rep_count, 7);
    cr_assert(forward_port(vcpu, COM1 + 5, false, 0, 0));
    cr_assert_eq(posted_for(vcpu).rep_count, 0);
    cr_assert_eq(posted_for(vcpu).write, 0);
    cr_assert(forward_port(vcpu, COM1, true, 0, 7));
    cr_assert_eq(through_forward_entry(vcpu, &store), DEVICE_DONE);
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
    cr_assert(forward_port(vcpu, COM1 + 5, false, 0, 0));
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

    cr_assert_eq(world_call1(WORLD_DOM0, HC_BLOCK, 0), 0);
    cr_assert(forward_port(vcpu, COM1 + 5, false, 0, 0));
    cr_assert_eq(world_call1(WORLD_DOM0, HC_BLOCK, 0), HC_BLOCK_REQUESTS);
    cr_assert_eq(world_call1(GUEST, HC_BLOCK, 0), 0, "only the server hears of requests");
}

Test(ioreq, an_answer_must_name_the_sequence_of_the_request_it_completes)
{
    struct vcpu *vcpu = world_partition(GUEST)->vcpus[0];

    cr_assert(forward_port(vcpu, COM1 + 5, false, 0, 0));
    uint64_t sequence = posted_for(vcpu).sequence;
    cr_assert_eq(world_call3(WORLD_DOM0, HC_IOREQ_COMPLETE, vcpu->cpu_index, 0x60, sequence - 1),
                 HC_ENOENT);
    cr_assert_eq(world_call3(WORLD_DOM0, HC_IOREQ_COMPLETE, vcpu->cpu_index, 0x60, sequence), 0);
    cr_assert_eq(world_call3(WORLD_DOM0, HC_IOREQ_COMPLETE, vcpu->cpu_index, 0x60, sequence),
                 HC_ENOENT, "done already");
    cr_assert_eq(world_call1(WORLD_DOM0, HC_BLOCK, 0), 0, "nothing waits any more");
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

#define COM2 0x2f8

/* COM2 (which the guest's config does not name) stands in for a model that
 * claims with posted writes; the forward entry is called directly. */
static void claim_posted(void)
{
    cr_assert_eq(world_call3(WORLD_DOM0, HC_IOREQ_CLAIM, COM2, 8, HC_IOREQ_POSTED_WRITES), 0);
}

Test(ioreq, a_claim_with_an_unknown_flag_is_refused)
{
    cr_assert_eq(world_call3(WORLD_DOM0, HC_IOREQ_CLAIM, COM2, 8, 2), HC_EINVAL);
    cr_assert_eq(
        world_call3(WORLD_DOM0, HC_IOREQ_CLAIM_MMIO, 0xfe000000ull, WORLD_PAGE, 1ull << 32),
        HC_EINVAL);
}

Test(ioreq, a_posted_write_goes_to_the_ring_and_the_vcpu_does_not_wait)
{
    struct vcpu *vcpu = world_partition(GUEST)->vcpus[0];

    claim_posted();
    cr_assert(forward_port(vcpu, COM2, true, 'p', 0));
    cr_assert_eq(server_page()->posted_head, 1);
    cr_assert_not(pending_bit(vcpu), "no slot is taken");
    struct hc_ioreq entry = server_page()->posted[0];
    cr_expect_eq(entry.port, COM2);
    cr_expect_eq(entry.data, 'p');
    cr_expect_eq(entry.write, 1);
    cr_expect_eq(entry.partition_id, GUEST);
    cr_assert_eq(world_call1(WORLD_DOM0, HC_BLOCK, 0), HC_BLOCK_REQUESTS, "the server is told");
    server_page()->posted_tail = 1;
    cr_assert_eq(world_call1(WORLD_DOM0, HC_BLOCK, 0), 0, "taken");
}

Test(ioreq, reads_of_a_posted_range_still_wait_for_their_answer)
{
    struct vcpu *vcpu = world_partition(GUEST)->vcpus[0];

    claim_posted();
    cr_assert(forward_port(vcpu, COM2 + 5, false, 0, 0));
    cr_assert_eq(server_page()->posted_head, 0);
    cr_assert(pending_bit(vcpu));
}

/* In order: once the ring is full a write waits as any request, behind
 * the writes the server has not taken yet. */
Test(ioreq, a_write_that_finds_the_ring_full_becomes_an_ordinary_request)
{
    struct vcpu *vcpu = world_partition(GUEST)->vcpus[1];

    claim_posted();
    for (unsigned i = 0; i < HC_IOREQ_POSTED; i++)
        cr_assert(forward_port(vcpu, COM2, true, i, 0));
    cr_assert_not(pending_bit(vcpu));
    cr_assert(forward_port(vcpu, COM2, true, 'f', 0));
    cr_assert_eq(server_page()->posted_head, HC_IOREQ_POSTED);
    cr_assert(pending_bit(vcpu));
    cr_assert_eq(posted_for(vcpu).data, 'f');
    cr_assert_gt(posted_for(vcpu).sequence, server_page()->posted[HC_IOREQ_POSTED - 1].sequence);
}

/* dom0 restarts with writes it had not taken: they are in its new page. */
Test(ioreq, writes_a_restarting_server_had_not_taken_reach_its_successor)
{
    struct vcpu *vcpu = world_partition(GUEST)->vcpus[0];

    claim_posted();
    for (unsigned i = 0; i < 3; i++)
        cr_assert(forward_port(vcpu, COM2, true, 'a' + i, 0));
    server_page()->posted_tail = 1; /* 'a' was taken */
    ioreq_server_suspend(world_partition(WORLD_DOM0));
    memset(server_page(), 0, sizeof(struct hc_ioreq_page)); /* the image is loaded again */
    cr_assert_eq(world_call2(WORLD_DOM0, HC_IOREQ_SERVER, SERVER_PAGE, 0), 0);
    cr_assert_eq(server_page()->posted_head, 2);
    cr_expect_eq(server_page()->posted[0].data, 'b');
    cr_expect_eq(server_page()->posted[1].data, 'c');
    cr_assert(forward_port(vcpu, COM2, true, 'd', 0));
    cr_expect_eq(server_page()->posted[2].data, 'd');
    cr_assert_eq(server_page()->posted_head, 3);
}

#define SERVER_BUFFER (8 * WORLD_PAGE)
#define GUEST_BUFFER  (2 * WORLD_PAGE + 0x10)

static int64_t copy(unsigned caller, uint64_t partition, uint64_t address, uint64_t length,
                    uint64_t flags)
{
    const uint64_t args[6] = {partition, address, SERVER_BUFFER, length, flags, 0};

    return world_call(caller, 0, HC_IOREQ_COPY, args);
}

Test(ioreq, the_server_copies_from_and_to_a_partition_it_serves)
{
    memcpy(world_ram(GUEST) + GUEST_BUFFER, "sector", 6);
    cr_assert_eq(copy(WORLD_DOM0, GUEST, GUEST_BUFFER, 6, 0), 0);
    cr_assert_arr_eq(world_ram(WORLD_DOM0) + SERVER_BUFFER, "sector", 6);
    memcpy(world_ram(WORLD_DOM0) + SERVER_BUFFER, "answer", 6);
    cr_assert_eq(copy(WORLD_DOM0, GUEST, GUEST_BUFFER, 6, HC_IOREQ_COPY_TO_PARTITION), 0);
    cr_assert_arr_eq(world_ram(GUEST) + GUEST_BUFFER, "answer", 6);
}

Test(ioreq, a_copy_is_refused_unless_a_server_reaches_a_running_partition_it_serves)
{
    cr_assert_eq(copy(GUEST, WORLD_DOM0, 0, 6, 0), HC_EPERM, "not the server");
    cr_assert_eq(copy(WORLD_DOM0, 3, 0, 6, 0), HC_EPERM, "partition 3 names no model");
    cr_assert_eq(copy(WORLD_DOM0, WORLD_DOM0, 0, 6, 0), HC_ENOENT, "not itself");
    cr_assert_eq(copy(WORLD_DOM0, 9, 0, 6, 0), HC_ENOENT);
    cr_assert_eq(copy(WORLD_DOM0, GUEST, 0, HC_IOREQ_COPY_MAX + 1, 0), HC_EINVAL);
    cr_assert_eq(copy(WORLD_DOM0, GUEST, 0, 6, 2), HC_EINVAL);
    cr_assert_eq(copy(WORLD_DOM0, GUEST, WORLD_RAM_SIZE - 4, 6, 0), HC_EFAULT);
    world_partition(GUEST)->state = PARTITION_STOPPED;
    cr_assert_eq(copy(WORLD_DOM0, GUEST, 0, 6, 0), HC_EBUSY, "revoked when it stops");
}

Test(ioreq, a_block_of_a_string_instruction_is_one_request_and_never_posted)
{
    struct vcpu *vcpu = world_partition(GUEST)->vcpus[0];
    struct device_access block = {.space = DEVICE_SPACE_PORT,
                                  .address = COM2,
                                  .size = 2,
                                  .write = true,
                                  .count = 256,
                                  .buffer = GUEST_BUFFER};

    claim_posted();
    cr_assert_eq(through_forward_entry(vcpu, &block), DEVICE_DONE);
    cr_assert_eq(server_page()->posted_head, 0);
    cr_assert(pending_bit(vcpu));
    cr_expect_eq(posted_for(vcpu).count, 256);
    cr_expect_eq(posted_for(vcpu).address, GUEST_BUFFER);
    cr_expect_eq(posted_for(vcpu).size, 2);
}

Test(ioreq, a_block_to_a_port_the_server_did_not_claim_goes_element_by_element)
{
    struct vcpu *vcpu = world_partition(GUEST)->vcpus[0];
    struct device_access block = {
        .space = DEVICE_SPACE_PORT, .address = 0x2e8, .size = 1, .count = 16, .buffer = 0};

    cr_assert_eq(through_forward_entry(vcpu, &block), DEVICE_NO_MODEL);
}

static bool never(const void *what)
{
    (void)what;
    return false;
}

/* The waiting side gives up after its window; the server finds a request
 * that waits at once. Both are counted (the log line shows the figures). */
Test(ioreq, polling_spins_no_longer_than_its_window)
{
    struct vcpu *vcpu = world_partition(GUEST)->vcpus[0];
    uint64_t before = arch_read_tsc();

    cr_assert_not(ioreq_poll(never, 0, IOREQ_POLL_WAITER), "off: no spinning at all");
    cr_assert_lt(arch_read_tsc() - before, 3);
    ioreq_set_poll(100);
    before = arch_read_tsc();
    cr_assert_not(ioreq_poll(never, 0, IOREQ_POLL_WAITER));
    uint64_t spent = arch_read_tsc() - before;
    cr_assert_geq(spent, 100);
    cr_assert_lt(spent, 110);
    cr_assert(forward_port(vcpu, COM1 + 5, false, 0, 0));
    before = arch_read_tsc();
    ioreq_server_poll(world_partition(WORLD_DOM0)->vcpus[0]);
    cr_assert_lt(arch_read_tsc() - before, 10, "a request waits already");
    ioreq_set_poll(0);
}

/* A restarted server claims again what it claimed before (its claims stood
 * meanwhile): that takes no room, and the table still ends where it did. */
Test(ioreq, a_claim_made_again_takes_no_more_room)
{
    for (unsigned i = 1; i < HC_IOREQ_CLAIMS; i++)
        cr_assert_eq(world_call2(WORLD_DOM0, HC_IOREQ_CLAIM, 0x100 + 8 * i, 8), 0);
    cr_expect_eq(world_call2(WORLD_DOM0, HC_IOREQ_CLAIM, COM1, 8), 0);
    cr_expect_eq(world_call2(WORLD_DOM0, HC_IOREQ_CLAIM, 0x108, 8), 0);
    cr_expect_eq(world_call2(WORLD_DOM0, HC_IOREQ_CLAIM, 0x200, 8), HC_ENOSPC);
    cr_expect_eq(world_call2(WORLD_DOM0, HC_IOREQ_CLAIM, 0x108, 4), HC_ENOSPC,
                 "another length is another claim");
}
