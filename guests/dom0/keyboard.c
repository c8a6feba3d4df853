#include "guests/dom0/keyboard.h"

#include "drivers/i8042.h"
#include "guests/dom0/scancode.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"

#define KEYBOARD_VECTOR 0x43

static bool present;
static unsigned irq;
static struct scancode_state state;

/* The keyboard's entry among dom0's devices, or -1. */
static int keyboard_device(const struct bulkhead_boot_info *info)
{
    for (unsigned i = 0; i < info->device_count && i < GUEST_MAX_DEVICES; i++) {
        if (info->devices[i].kind == GUEST_DEVICE_KEYBOARD)
            return (int)i;
    }
    return -1;
}

bool keyboard_start(const struct bulkhead_boot_info *info, event_handler wake)
{
    int device = keyboard_device(info);

    if (device < 0)
        return false;
    if (!i8042_enable_keyboard()) {
        printf("dom0: keyboard: no PS/2 controller answers\n");
        return false;
    }
    present = true;
    irq = info->device_irqs[device];
    event_set_handler(KEYBOARD_VECTOR, wake);
    if (irq && hc_device_irq_bind(irq, KEYBOARD_VECTOR) != 0)
        irq = 0;
    if (irq)
        printf("dom0: keyboard: the operator's input, IRQ %u\n", irq);
    else
        printf("dom0: keyboard: the operator's input, polled\n");
    return true;
}

bool keyboard_interrupts(void)
{
    return irq != 0;
}

bool keyboard_read(char *c)
{
    uint8_t byte;

    while (present && i8042_read_keyboard(&byte)) {
        *c = scancode_feed(&state, byte);
        if (*c)
            return true;
    }
    return false;
}
