/*
 * A privileged partition that owns the PS/2 controller (devices =
 * keyboard), for the keyboard-filter scenario. The controller answers
 * through its trapped ports: its status register, its configuration byte
 * (a command that passes). The two writes that would reset the machine or
 * move A20 -- a pulse of the reset line, the output-port write with a byte
 * that clears both lines -- are kept from it by the hypervisor: the
 * partition and the machine run on, and so does the controller.
 */
#include "drivers/i8042.h"
#include "guests/lib/guest.h"

#define RESET_AND_A20_LOW 0x00 /* an output-port byte: reset asserted, A20 masked */
#define ANSWER_POLLS      100000

static bool owns_keyboard(const struct bulkhead_boot_info *info)
{
    for (uint32_t i = 0; i < info->device_count && i < GUEST_MAX_DEVICES; i++) {
        if (info->devices[i].kind == GUEST_DEVICE_KEYBOARD)
            return info->device_irqs[i] == 1;
    }
    return false;
}

/* The configuration byte, which the controller answers at the data port. */
static bool controller_answers(void)
{
    cpu_outb(I8042_COMMAND_PORT, I8042_CMD_READ_CONFIG);
    for (unsigned i = 0; i < ANSWER_POLLS; i++) {
        if (cpu_inb(I8042_COMMAND_PORT) & I8042_STATUS_OUTPUT_FULL) {
            printf("kbd-owner: configuration byte 0x%02x\n", cpu_inb(I8042_DATA_PORT));
            return true;
        }
    }
    return false;
}

int guest_main(const struct bulkhead_boot_info *info)
{
    EXPECT_TRUE(owns_keyboard(info));
    EXPECT_TRUE(cpu_inb(I8042_COMMAND_PORT) != 0xff);
    EXPECT_TRUE(controller_answers());
    cpu_outb(I8042_COMMAND_PORT, 0xfe);
    printf("kbd-owner: still running after a reset pulse\n");
    cpu_outb(I8042_COMMAND_PORT, I8042_CMD_WRITE_OUTPUT);
    cpu_outb(I8042_DATA_PORT, RESET_AND_A20_LOW);
    printf("kbd-owner: still running after an output-port write of 0x%02x\n", RESET_AND_A20_LOW);
    EXPECT_TRUE(controller_answers());
    return guest_exit_status();
}
