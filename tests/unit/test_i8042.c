/* The hypervisor's filter of an owned PS/2 controller (drivers/i8042.c). */
#include <criterion/criterion.h>

#include "drivers/i8042.h"

static struct i8042_filter filter;

static enum i8042_verdict command(uint8_t value)
{
    return i8042_filter_write(&filter, I8042_COMMAND_PORT, value);
}

static enum i8042_verdict data(uint8_t value)
{
    return i8042_filter_write(&filter, I8042_DATA_PORT, value);
}

static void reset(void)
{
    filter = (struct i8042_filter){false};
}

TestSuite(i8042, .init = reset);

/* 0xf0-0xff pulse the output lines whose bit is clear: line 0 is reset. */
Test(i8042, pulses_of_the_reset_line_are_refused)
{
    cr_expect_eq(command(0xfe), I8042_REFUSED_RESET);
    cr_expect_eq(command(0xf0), I8042_REFUSED_RESET);
    cr_expect_eq(command(0xfa), I8042_REFUSED_RESET);
    cr_expect_eq(command(0xff), I8042_PASS); /* pulses nothing */
    cr_expect_eq(command(0xfd), I8042_PASS); /* line 1 only */
}

/* The output-port write and its data byte go nowhere; the next data byte
 * is the keyboard's again. */
Test(i8042, the_output_port_write_and_its_byte_are_refused)
{
    cr_expect_eq(command(0xd1), I8042_REFUSED_OUTPUT_PORT);
    cr_expect_eq(data(0xfe), I8042_REFUSED_OUTPUT_PORT);
    cr_expect_eq(data(0xf4), I8042_PASS);
}

/* A command between cancels the wait for the output-port byte. */
Test(i8042, a_new_command_cancels_the_output_port_write)
{
    cr_expect_eq(command(0xd1), I8042_REFUSED_OUTPUT_PORT);
    cr_expect_eq(command(0xae), I8042_PASS);
    cr_expect_eq(data(0xed), I8042_PASS);
}

/* What a keyboard driver sends passes: the configuration byte, enabling
 * the keyboard, keyboard commands through the data port. */
Test(i8042, ordinary_commands_pass)
{
    cr_expect_eq(command(0x20), I8042_PASS);
    cr_expect_eq(command(0x60), I8042_PASS);
    cr_expect_eq(data(0x61), I8042_PASS);
    cr_expect_eq(command(0xae), I8042_PASS);
    cr_expect_eq(data(0xff), I8042_PASS); /* the keyboard's own reset, not the machine's */
}

Test(i8042, verdict_texts)
{
    cr_expect_str_eq(i8042_verdict_text(I8042_REFUSED_RESET), "pulse reset");
    cr_expect_str_eq(i8042_verdict_text(I8042_REFUSED_OUTPUT_PORT), "output port (reset, A20)");
}
