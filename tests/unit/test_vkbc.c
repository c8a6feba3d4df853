/*
 * The keyboard controller of a partition without a keyboard
 * (arch/x86_64/vplatform/vkbc.c): empty, and a reset line.
 */
#include <criterion/criterion.h>

#include "arch/x86_64/vplatform/vkbc.h"

static struct vkbc k;

static void setup(void)
{
    vkbc_reset(&k);
}

TestSuite(vkbc, .init = setup);

Test(vkbc, reads_nothing_waiting_and_ready)
{
    cr_assert_eq(vkbc_read(I8042_COMMAND_PORT), 0);
    cr_assert_eq(vkbc_read(I8042_DATA_PORT), 0);
}

Test(vkbc, a_pulse_of_the_reset_line_resets)
{
    cr_assert(vkbc_write(&k, I8042_COMMAND_PORT, 0xfe));
    cr_assert(vkbc_write(&k, I8042_COMMAND_PORT, 0xf0));
    cr_assert_not(vkbc_write(&k, I8042_COMMAND_PORT, 0xff), "bit 0 set: no pulse of reset");
    cr_assert_not(vkbc_write(&k, I8042_COMMAND_PORT, 0xfd), "a pulse of another line");
}

Test(vkbc, an_output_port_byte_that_clears_reset_resets)
{
    cr_assert_not(vkbc_write(&k, I8042_COMMAND_PORT, 0xd1));
    cr_assert_not(vkbc_write(&k, I8042_DATA_PORT, 0x03), "reset kept high");
    cr_assert_not(vkbc_write(&k, I8042_COMMAND_PORT, 0xd1));
    cr_assert(vkbc_write(&k, I8042_DATA_PORT, 0x02));
}

Test(vkbc, other_commands_and_data_do_nothing)
{
    cr_assert_not(vkbc_write(&k, I8042_DATA_PORT, 0x00), "data without an output-port command");
    cr_assert_not(vkbc_write(&k, I8042_COMMAND_PORT, 0x20));
    cr_assert_not(vkbc_write(&k, I8042_COMMAND_PORT, 0xae));
    cr_assert_not(vkbc_write(&k, I8042_DATA_PORT, 0xfe), "0xfe as data is no command");
}
