#include "arch/x86_64/vplatform/vkbc.h"

void vkbc_reset(struct vkbc *k)
{
    *k = (struct vkbc){0};
}

uint8_t vkbc_read(uint16_t port)
{
    (void)port;
    return 0; /* status: output empty, input empty; data: nothing */
}

/* The same commands the owner of a real controller may not send reach
 * the reset line here; an output-port byte that keeps the bit set does not. */
bool vkbc_write(struct vkbc *k, uint16_t port, uint8_t value)
{
    enum i8042_verdict verdict = i8042_filter_write(&k->commands, port, value);

    if (verdict == I8042_REFUSED_RESET)
        return true;
    return verdict == I8042_REFUSED_OUTPUT_PORT && port == I8042_DATA_PORT &&
           !(value & I8042_OUTPUT_RESET_LINE);
}
