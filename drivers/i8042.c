#include "drivers/i8042.h"

#include "arch/x86_64/cpu.h"

#define WAIT_POLLS  100000
#define FLUSH_LIMIT 64 /* bytes thrown away at most: an absent controller reads 0xff */

enum i8042_verdict i8042_filter_write(struct i8042_filter *filter, uint16_t port, uint8_t value)
{
    if (port == I8042_DATA_PORT) {
        bool output_port = filter->output_port_next;
        filter->output_port_next = false;
        return output_port ? I8042_REFUSED_OUTPUT_PORT : I8042_PASS;
    }
    filter->output_port_next = value == I8042_CMD_WRITE_OUTPUT;
    if (filter->output_port_next)
        return I8042_REFUSED_OUTPUT_PORT;
    if (value >= I8042_CMD_PULSE_FIRST && !(value & I8042_OUTPUT_RESET_LINE))
        return I8042_REFUSED_RESET;
    return I8042_PASS;
}

const char *i8042_verdict_text(enum i8042_verdict verdict)
{
    switch (verdict) {
    case I8042_REFUSED_RESET:
        return "pulse reset";
    case I8042_REFUSED_OUTPUT_PORT:
        return "output port (reset, A20)";
    default:
        return "passed";
    }
}

uint8_t i8042_read(uint16_t port)
{
    return cpu_inb(port);
}

void i8042_write(uint16_t port, uint8_t value)
{
    cpu_outb(port, value);
}

static bool wait_status(uint8_t bit, bool set)
{
    for (unsigned i = 0; i < WAIT_POLLS; i++) {
        if (((cpu_inb(I8042_COMMAND_PORT) & bit) != 0) == set)
            return true;
        cpu_pause();
    }
    return false;
}

static bool send(uint16_t port, uint8_t value)
{
    if (!wait_status(I8042_STATUS_INPUT_FULL, false))
        return false;
    cpu_outb(port, value);
    return true;
}

static void flush_output(void)
{
    for (unsigned i = 0;
         i < FLUSH_LIMIT && (cpu_inb(I8042_COMMAND_PORT) & I8042_STATUS_OUTPUT_FULL); i++)
        (void)cpu_inb(I8042_DATA_PORT);
}

bool i8042_enable_keyboard(void)
{
    if (cpu_inb(I8042_COMMAND_PORT) == 0xff)
        return false;
    flush_output();
    if (!send(I8042_COMMAND_PORT, I8042_CMD_READ_CONFIG) ||
        !wait_status(I8042_STATUS_OUTPUT_FULL, true))
        return false;
    uint8_t config = cpu_inb(I8042_DATA_PORT);
    config = (uint8_t)((config | I8042_CONFIG_KBD_IRQ | I8042_CONFIG_TRANSLATE_SET) &
                       ~I8042_CONFIG_KBD_DISABLED);
    bool written = send(I8042_COMMAND_PORT, I8042_CMD_WRITE_CONFIG) &&
                   send(I8042_DATA_PORT, config) && send(I8042_COMMAND_PORT, I8042_CMD_ENABLE_KBD);
    flush_output();
    return written;
}

bool i8042_read_keyboard(uint8_t *byte)
{
    uint8_t status = cpu_inb(I8042_COMMAND_PORT);

    if (!(status & I8042_STATUS_OUTPUT_FULL))
        return false;
    *byte = cpu_inb(I8042_DATA_PORT);
    return !(status & I8042_STATUS_AUX_DATA);
}
