/*
 * The INTx interrupts of the owned 82540EM network card: level-triggered,
 * so the hypervisor masks the line at each interrupt and this owner
 * unmasks it (HC_DEVICE_IRQ_UNMASK) once the card is quiet. The card's
 * interrupt cause register makes the line easy to drive: a cause enabled
 * in IMS and set through ICS asserts it, a read of ICR clears every cause
 * and releases it. The handler only counts, so the line stays asserted
 * until the checks below read ICR: exactly one interrupt must come while
 * it is masked, one more when it is unmasked still asserted, none while
 * the card is quiet, and one for the next cause.
 */
#include "guests/dev-owner/irq.h"

#include "guests/lib/event.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"

#define E1000_ICR   0x00c0 /* interrupt causes: reading clears them */
#define E1000_ICS   0x00c8 /* sets causes, as if the card had seen them */
#define E1000_IMS   0x00d0 /* enables causes */
#define E1000_IMC   0x00d8 /* disables causes */
#define TEST_CAUSE  0x10   /* RXDMT0: nothing raises it while no receive ring is set up */
#define PCI_VECTOR  0x51
#define UNOWNED_IRQ 4 /* COM1's: the hypervisor's console */
#define WAIT_TICKS  4000000000ull
#define QUIET_TICKS 50000000ull

static volatile uint32_t *card;
static volatile uint32_t card_interrupts;

static uint32_t card_read(unsigned reg)
{
    return card[reg / 4];
}

static void card_write(unsigned reg, uint32_t value)
{
    card[reg / 4] = value;
}

/* Counts only: the card keeps its line asserted until ICR is read. */
static void on_card_interrupt(uint8_t vector)
{
    (void)vector;
    card_interrupts = card_interrupts + 1;
}

/* Waits for the count to reach `expected`, then a while longer, and
 * returns the count: more would be a storm. */
static uint32_t settle_at(uint32_t expected)
{
    uint32_t never = 0;

    event_wait(&card_interrupts, expected, tsc_after(WAIT_TICKS));
    event_wait(&never, 1, tsc_after(QUIET_TICKS));
    return card_interrupts;
}

static void check_refusals(unsigned irq)
{
    int64_t unbound = hc_device_irq_unmask(irq);
    int64_t unowned = hc_device_irq_unmask(UNOWNED_IRQ);

    EXPECT_EQ(unbound, (uint64_t)HC_ENOENT);
    EXPECT_EQ(unowned, (uint64_t)HC_EPERM);
    printf("dev-owner: pci unmask refused before the bind (%lld) and for IRQ %u (%lld)\n",
           (long long)unbound, UNOWNED_IRQ, (long long)unowned);
}

/* ICR read (the line drops), then the line unmasked. */
static uint32_t quiet_card(unsigned irq)
{
    uint32_t causes = card_read(E1000_ICR);
    int64_t unmasked = hc_device_irq_unmask(irq);

    EXPECT_EQ(unmasked, 0);
    return causes;
}

static void check_level_delivery(unsigned irq)
{
    card_write(E1000_IMS, TEST_CAUSE);
    card_write(E1000_ICS, TEST_CAUSE);
    uint32_t while_masked = settle_at(1);
    EXPECT_EQ(while_masked, 1);
    printf("dev-owner: pci IRQ %u arrived at vector 0x%x: %u interrupt(s) while the card held "
           "its line\n",
           irq, PCI_VECTOR, while_masked);

    int64_t unmasked = hc_device_irq_unmask(irq);
    uint32_t still_asserted = settle_at(2);
    EXPECT_EQ(unmasked, 0);
    EXPECT_EQ(still_asserted, 2);
    printf("dev-owner: pci IRQ %u unmasked with its line still asserted: %u interrupts\n", irq,
           still_asserted);

    uint32_t causes = quiet_card(irq);
    uint32_t while_quiet = settle_at(2);
    EXPECT_TRUE(causes & TEST_CAUSE);
    EXPECT_EQ(while_quiet, 2);
    printf("dev-owner: pci ICR read (causes 0x%x), line unmasked: %u interrupts while the card "
           "was quiet\n",
           causes, while_quiet);

    card_write(E1000_ICS, TEST_CAUSE);
    uint32_t raised_again = settle_at(3);
    quiet_card(irq);
    EXPECT_EQ(raised_again, 3);
    printf("dev-owner: pci IRQ %u raised once more: %u interrupts in all\n", irq, raised_again);
}

void check_pci_interrupts(unsigned irq, uint64_t register_base)
{
    card = (volatile uint32_t *)(uintptr_t)register_base;
    event_set_handler(PCI_VECTOR, on_card_interrupt);
    card_write(E1000_IMC, 0xffffffffu);
    card_read(E1000_ICR);
    check_refusals(irq);
    int64_t bound = hc_device_irq_bind(irq, PCI_VECTOR);
    EXPECT_EQ(bound, 0);
    if (bound != 0)
        return;
    check_level_delivery(irq);
    card_write(E1000_IMC, 0xffffffffu);
    card_read(E1000_ICR);
    EXPECT_EQ(hc_device_irq_bind(irq, 0), 0);
}
