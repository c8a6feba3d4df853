#include <criterion/criterion.h>

#include "arch/x86_64/vplatform/vpic.h"

static struct vpic pic;

/* The sequence every PC operating system runs: vectors 0x20 and 0x28,
 * slave on IRQ2, 8086 mode, then a mask. */
static void initialize(uint8_t master_mask, uint8_t slave_mask, uint8_t icw4)
{
    vpic_write(&pic, VPIC_MASTER_COMMAND, 0x11);
    vpic_write(&pic, VPIC_MASTER_DATA, 0x20);
    vpic_write(&pic, VPIC_MASTER_DATA, 0x04);
    vpic_write(&pic, VPIC_MASTER_DATA, icw4);
    vpic_write(&pic, VPIC_SLAVE_COMMAND, 0x11);
    vpic_write(&pic, VPIC_SLAVE_DATA, 0x28);
    vpic_write(&pic, VPIC_SLAVE_DATA, 0x02);
    vpic_write(&pic, VPIC_SLAVE_DATA, icw4);
    vpic_write(&pic, VPIC_MASTER_DATA, master_mask);
    vpic_write(&pic, VPIC_SLAVE_DATA, slave_mask);
}

static void setup(void)
{
    pic = (struct vpic){0};
    vpic_reset(&pic);
}

TestSuite(vpic, .init = setup);

static void eoi(uint16_t command_port)
{
    vpic_write(&pic, command_port, 0x20);
}

Test(vpic, reset_masks_every_line)
{
    cr_assert_not(vpic_set_line(&pic, 4, true));
    cr_assert_not(vpic_pending(&pic));
    cr_assert_eq(vpic_read(&pic, VPIC_MASTER_DATA), 0xff);
    cr_assert_eq(vpic_read(&pic, VPIC_SLAVE_DATA), 0xff);
    cr_assert_eq(vpic_acknowledge(&pic), -1);
}

Test(vpic, unmasked_edge_is_delivered_with_the_programmed_vector)
{
    initialize(0xef, 0xff, 0x01);
    cr_assert_eq(vpic_read(&pic, VPIC_MASTER_DATA), 0xef);
    cr_assert(vpic_set_line(&pic, 4, true));
    cr_assert_eq(vpic_acknowledge(&pic), 0x24);
    cr_assert_not(vpic_pending(&pic), "in service, not pending again");
}

Test(vpic, a_line_held_high_interrupts_once)
{
    initialize(0xef, 0xff, 0x01);
    vpic_set_line(&pic, 4, true);
    cr_assert_eq(vpic_acknowledge(&pic), 0x24);
    eoi(VPIC_MASTER_COMMAND);
    cr_assert_not(vpic_set_line(&pic, 4, true), "no new edge");
    vpic_set_line(&pic, 4, false);
    cr_assert(vpic_set_line(&pic, 4, true), "a new edge");
}

Test(vpic, request_outlives_a_falling_line_until_taken)
{
    initialize(0xef, 0xff, 0x01);
    vpic_set_line(&pic, 4, true);
    vpic_set_line(&pic, 4, false);
    cr_assert(vpic_pending(&pic));
    cr_assert_eq(vpic_acknowledge(&pic), 0x24);
}

Test(vpic, masked_request_waits_for_unmask)
{
    initialize(0xff, 0xff, 0x01);
    vpic_set_line(&pic, 3, true);
    cr_assert_not(vpic_pending(&pic));
    cr_assert_eq(vpic_read(&pic, VPIC_MASTER_COMMAND), 0x08, "IRR shows it");
    vpic_write(&pic, VPIC_MASTER_DATA, 0xf7);
    cr_assert_eq(vpic_acknowledge(&pic), 0x23);
}

Test(vpic, higher_priority_preempts_lower_in_service_but_not_the_reverse)
{
    initialize(0x00, 0xff, 0x01);
    vpic_set_line(&pic, 4, true);
    cr_assert_eq(vpic_acknowledge(&pic), 0x24);
    vpic_set_line(&pic, 6, true);
    cr_assert_not(vpic_pending(&pic), "IRQ6 waits behind IRQ4 in service");
    vpic_set_line(&pic, 1, true);
    cr_assert_eq(vpic_acknowledge(&pic), 0x21);
    eoi(VPIC_MASTER_COMMAND); /* ends IRQ1, the highest in service */
    cr_assert_not(vpic_pending(&pic));
    eoi(VPIC_MASTER_COMMAND); /* ends IRQ4 */
    cr_assert_eq(vpic_acknowledge(&pic), 0x26);
}

Test(vpic, specific_eoi_ends_the_named_line)
{
    initialize(0x00, 0xff, 0x01);
    vpic_set_line(&pic, 4, true);
    vpic_acknowledge(&pic);
    vpic_write(&pic, VPIC_MASTER_COMMAND, 0x0b); /* OCW3: read ISR */
    cr_assert_eq(vpic_read(&pic, VPIC_MASTER_COMMAND), 0x10);
    vpic_write(&pic, VPIC_MASTER_COMMAND, 0x60 | 4);
    cr_assert_eq(vpic_read(&pic, VPIC_MASTER_COMMAND), 0x00);
    vpic_write(&pic, VPIC_MASTER_COMMAND, 0x0a); /* back to IRR */
    vpic_set_line(&pic, 5, true);
    cr_assert_eq(vpic_read(&pic, VPIC_MASTER_COMMAND), 0x20);
}

Test(vpic, slave_lines_cascade_through_irq2)
{
    initialize(0xfb, 0xef, 0x01); /* master: only IRQ2; slave: only IRQ12 */
    cr_assert(vpic_set_line(&pic, 12, true));
    cr_assert_eq(vpic_acknowledge(&pic), 0x2c);
    vpic_set_line(&pic, 12, false);
    vpic_set_line(&pic, 12, true);
    cr_assert_not(vpic_pending(&pic), "blocked until both chips get their EOI");
    eoi(VPIC_SLAVE_COMMAND);
    cr_assert_not(vpic_pending(&pic), "the master still has IRQ2 in service");
    eoi(VPIC_MASTER_COMMAND);
    cr_assert_eq(vpic_acknowledge(&pic), 0x2c);
}

Test(vpic, masked_cascade_hides_the_slave)
{
    initialize(0xff, 0x00, 0x01);
    vpic_set_line(&pic, 8, true);
    cr_assert_not(vpic_pending(&pic));
}

Test(vpic, auto_eoi_leaves_nothing_in_service)
{
    initialize(0x00, 0xff, 0x03);
    vpic_set_line(&pic, 4, true);
    cr_assert_eq(vpic_acknowledge(&pic), 0x24);
    vpic_set_line(&pic, 5, true);
    cr_assert_eq(vpic_acknowledge(&pic), 0x25, "no EOI needed");
}

Test(vpic, single_mode_skips_icw3_and_has_no_cascade)
{
    vpic_write(&pic, VPIC_MASTER_COMMAND, 0x13); /* single, ICW4 */
    vpic_write(&pic, VPIC_MASTER_DATA, 0x40);
    vpic_write(&pic, VPIC_MASTER_DATA, 0x01); /* ICW4, not ICW3 */
    vpic_write(&pic, VPIC_MASTER_DATA, 0xfe);
    cr_assert_eq(vpic_read(&pic, VPIC_MASTER_DATA), 0xfe);
    vpic_set_line(&pic, 0, true);
    cr_assert_eq(vpic_acknowledge(&pic), 0x40);
}

Test(vpic, reinitialization_forgets_requests_and_unmasks)
{
    initialize(0xff, 0xff, 0x01);
    vpic_set_line(&pic, 4, true);
    vpic_write(&pic, VPIC_MASTER_COMMAND, 0x11);
    cr_assert_eq(vpic_read(&pic, VPIC_MASTER_COMMAND), 0x00);
    vpic_write(&pic, VPIC_MASTER_DATA, 0x30);
    vpic_write(&pic, VPIC_MASTER_DATA, 0x04);
    vpic_write(&pic, VPIC_MASTER_DATA, 0x01);
    cr_assert_eq(vpic_read(&pic, VPIC_MASTER_DATA), 0x00);
    vpic_set_line(&pic, 4, false);
    vpic_set_line(&pic, 4, true);
    cr_assert_eq(vpic_acknowledge(&pic), 0x34);
}

Test(vpic, owns_exactly_its_four_ports)
{
    cr_assert(vpic_owns_port(0x20) && vpic_owns_port(0x21));
    cr_assert(vpic_owns_port(0xa0) && vpic_owns_port(0xa1));
    cr_assert_not(vpic_owns_port(0x22) || vpic_owns_port(0x4d0) || vpic_owns_port(0x60));
}
