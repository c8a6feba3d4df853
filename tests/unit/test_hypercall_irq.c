/*
 * HC_DEVICE_IRQ_BIND and the delivery of device interrupts on the fake
 * machine of tests/hypercall_world.h, where the privileged partition owns
 * UARTs on IRQ 3 and IRQ 5: privilege, ownership, vectors, the IOAPIC pin
 * it routes and masks, and what an interrupt becomes.
 */
#include <criterion/criterion.h>

#include "tests/hypercall_world.h"

#define DOM0   WORLD_DOM0
#define GUEST  2
#define OWNED  WORLD_OWNED_IRQ
#define VECTOR 0x41

static void setup(void)
{
    world_reset();
}

TestSuite(hypercall_irq, .init = setup);

/* The fakes must stay unoffended. */
#define IRQ_TEST(name)                                                                             \
    WORLD_TEST(hypercall_irq, name, cr_expect_null(world.violation, "%s", world.violation))

static int64_t bind(unsigned id, uint64_t irq, uint64_t vector)
{
    return world_call2(id, HC_DEVICE_IRQ_BIND, irq, vector);
}

static unsigned interrupts(unsigned id, uint8_t vector)
{
    return world_record(id)->interrupts[0][vector];
}

IRQ_TEST(the_owner_binds_its_irq_to_a_vector_of_vcpu_0)
{
    cr_assert_eq(bind(DOM0, OWNED, VECTOR), 0);
    cr_assert(world.pins[OWNED].unmasked);
    cr_assert_eq(world.pins[OWNED].cpu, world_partition(DOM0)->boot_cpu);
    device_irq_raised(OWNED);
    device_irq_raised(OWNED);
    cr_assert_eq(interrupts(DOM0, VECTOR), 2);
    cr_assert_eq(world_record(DOM0)->interrupt_total, 2);
}

IRQ_TEST(other_partitions_may_not_call_it)
{
    cr_assert_eq(bind(GUEST, OWNED, VECTOR), HC_EPERM);
    cr_assert_eq(world.pins[OWNED].routes, 0);
}

IRQ_TEST(irqs_of_no_owned_device_are_refused)
{
    uint64_t refused[] = {0,   1,          4,         DEVICE_IRQ_COUNT - 1, DEVICE_IRQ_COUNT,
                          255, 1ull << 32, UINT64_MAX};

    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        cr_expect_eq(bind(DOM0, refused[i], VECTOR), HC_EPERM, "IRQ %llu",
                     (unsigned long long)refused[i]);
    for (unsigned irq = 0; irq < DEVICE_IRQ_COUNT; irq++)
        cr_expect_eq(world.pins[irq].routes, 0, "pin %u", irq);
}

IRQ_TEST(bad_vectors_are_refused)
{
    uint64_t refused[] = {1, 2, 31, 256, 0x1000, UINT64_MAX};

    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        cr_expect_eq(bind(DOM0, OWNED, refused[i]), HC_EINVAL, "vector %llu",
                     (unsigned long long)refused[i]);
    cr_assert_eq(bind(DOM0, OWNED, 32), 0);
    cr_assert_eq(bind(DOM0, OWNED, 255), 0);
}

IRQ_TEST(a_bad_vector_is_refused_before_ownership_is_looked_at)
{
    cr_assert_eq(bind(DOM0, 4, 7), HC_EINVAL);
}

IRQ_TEST(vector_0_masks_it_again)
{
    cr_assert_eq(bind(DOM0, OWNED, VECTOR), 0);
    cr_assert_eq(bind(DOM0, OWNED, 0), 0);
    cr_assert_not(world.pins[OWNED].unmasked);
    device_irq_raised(OWNED);
    cr_assert_eq(world_record(DOM0)->interrupt_total, 0);
    cr_assert_eq(bind(DOM0, OWNED, 0), 0); /* unbinding twice is harmless */
}

IRQ_TEST(rebinding_moves_it_to_the_new_vector)
{
    cr_assert_eq(bind(DOM0, OWNED, VECTOR), 0);
    cr_assert_eq(bind(DOM0, OWNED, VECTOR + 1), 0);
    device_irq_raised(OWNED);
    cr_assert_eq(interrupts(DOM0, VECTOR), 0);
    cr_assert_eq(interrupts(DOM0, VECTOR + 1), 1);
}

IRQ_TEST(each_irq_keeps_its_own_vector)
{
    cr_assert_eq(bind(DOM0, OWNED, VECTOR), 0);
    cr_assert_eq(bind(DOM0, WORLD_OWNED_IRQ_OTHER, VECTOR + 2), 0);
    device_irq_raised(WORLD_OWNED_IRQ_OTHER);
    cr_assert_eq(interrupts(DOM0, VECTOR + 2), 1);
    cr_assert_eq(interrupts(DOM0, VECTOR), 0);
}

IRQ_TEST(unbound_and_out_of_range_irqs_deliver_nothing)
{
    device_irq_raised(OWNED);
    device_irq_raised(DEVICE_IRQ_COUNT);
    device_irq_raised(~0u);
    cr_assert_eq(world_record(DOM0)->interrupt_total, 0);
}

IRQ_TEST(without_an_ioapic_the_bind_fails_and_nothing_arrives)
{
    world.no_ioapic = true;
    cr_assert_eq(bind(DOM0, OWNED, VECTOR), HC_ENOENT);
    device_irq_raised(OWNED);
    cr_assert_eq(world_record(DOM0)->interrupt_total, 0);
}

IRQ_TEST(the_end_of_the_owners_run_masks_its_pins)
{
    cr_assert_eq(bind(DOM0, OWNED, VECTOR), 0);
    cr_assert_eq(bind(DOM0, WORLD_OWNED_IRQ_OTHER, VECTOR), 0);
    world_restart(DOM0);
    cr_assert_not(world.pins[OWNED].unmasked);
    cr_assert_not(world.pins[WORLD_OWNED_IRQ_OTHER].unmasked);
    device_irq_raised(OWNED);
    cr_assert_eq(world_record(DOM0)->interrupt_total, 0);
}

IRQ_TEST(another_partitions_end_leaves_the_owners_pins_alone)
{
    cr_assert_eq(bind(DOM0, OWNED, VECTOR), 0);
    world_restart(GUEST);
    cr_assert(world.pins[OWNED].unmasked);
    device_irq_raised(OWNED);
    cr_assert_eq(interrupts(DOM0, VECTOR), 1);
}

/* ---- level-triggered lines (PCI INTx) --------------------------------------- */

#define PCI_IRQ WORLD_OWNED_PCI_IRQ

static int64_t unmask(unsigned id, uint64_t irq)
{
    return world_call2(id, HC_DEVICE_IRQ_UNMASK, irq, 0);
}

IRQ_TEST(a_pci_irq_comes_from_its_interrupt_line_and_is_level_triggered)
{
    cr_assert_eq(bind(DOM0, PCI_IRQ, VECTOR), 0);
    cr_assert(world.pins[PCI_IRQ].level);
    cr_assert(world.pins[PCI_IRQ].unmasked);
    cr_assert_eq(bind(DOM0, OWNED, VECTOR + 1), 0);
    cr_assert_not(world.pins[OWNED].level);
}

IRQ_TEST(a_level_interrupt_masks_its_pin_until_the_owner_unmasks_it)
{
    cr_assert_eq(bind(DOM0, PCI_IRQ, VECTOR), 0);
    device_irq_raised(PCI_IRQ);
    cr_assert_not(world.pins[PCI_IRQ].unmasked);
    cr_assert_eq(interrupts(DOM0, VECTOR), 1);
    cr_assert_eq(unmask(DOM0, PCI_IRQ), 0);
    cr_assert(world.pins[PCI_IRQ].unmasked);
    cr_assert_eq(world.pins[PCI_IRQ].unmasks, 1);
    device_irq_raised(PCI_IRQ);
    cr_assert_eq(interrupts(DOM0, VECTOR), 2);
}

IRQ_TEST(unmasking_a_line_that_is_not_masked_does_nothing)
{
    cr_assert_eq(bind(DOM0, PCI_IRQ, VECTOR), 0);
    cr_assert_eq(unmask(DOM0, PCI_IRQ), 0);
    cr_assert_eq(world.pins[PCI_IRQ].unmasks, 0);
    device_irq_raised(PCI_IRQ);
    cr_assert_eq(unmask(DOM0, PCI_IRQ), 0);
    cr_assert_eq(unmask(DOM0, PCI_IRQ), 0);
    cr_assert_eq(world.pins[PCI_IRQ].unmasks, 1);
}

IRQ_TEST(an_edge_interrupt_leaves_its_pin_unmasked)
{
    cr_assert_eq(bind(DOM0, OWNED, VECTOR), 0);
    device_irq_raised(OWNED);
    cr_assert(world.pins[OWNED].unmasked);
    cr_assert_eq(unmask(DOM0, OWNED), 0);
    cr_assert_eq(world.pins[OWNED].unmasks, 0);
}

IRQ_TEST(unmask_checks_privilege_ownership_and_binding)
{
    uint64_t unowned[] = {0, 4, DEVICE_IRQ_COUNT, 255, 1ull << 32, UINT64_MAX};

    cr_assert_eq(unmask(GUEST, PCI_IRQ), HC_EPERM);
    for (unsigned i = 0; i < sizeof(unowned) / sizeof(unowned[0]); i++)
        cr_expect_eq(unmask(DOM0, unowned[i]), HC_EPERM, "IRQ %llu",
                     (unsigned long long)unowned[i]);
    cr_assert_eq(unmask(DOM0, PCI_IRQ), HC_ENOENT);
    cr_assert_eq(world.pins[PCI_IRQ].unmasks, 0);
}

IRQ_TEST(an_unbound_level_line_stays_masked)
{
    cr_assert_eq(bind(DOM0, PCI_IRQ, VECTOR), 0);
    device_irq_raised(PCI_IRQ);
    cr_assert_eq(bind(DOM0, PCI_IRQ, 0), 0);
    cr_assert_eq(unmask(DOM0, PCI_IRQ), HC_ENOENT);
    cr_assert_not(world.pins[PCI_IRQ].unmasked);
}

IRQ_TEST(rebinding_a_masked_level_line_unmasks_it)
{
    cr_assert_eq(bind(DOM0, PCI_IRQ, VECTOR), 0);
    device_irq_raised(PCI_IRQ);
    cr_assert_eq(bind(DOM0, PCI_IRQ, VECTOR + 1), 0);
    cr_assert(world.pins[PCI_IRQ].unmasked);
    device_irq_raised(PCI_IRQ);
    cr_assert_eq(interrupts(DOM0, VECTOR + 1), 1);
}
