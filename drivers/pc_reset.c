#include "drivers/pc_reset.h"

#include "arch/x86_64/cpu.h"

#define RESET_CONTROL_PORT   0xcf9
#define RESET_SYSTEM         0x02 /* a full reset, not just the CPU */
#define RESET_CPU            0x04 /* the 0 -> 1 edge starts the reset */
#define KBC_STATUS_PORT      0x64
#define KBC_INPUT_FULL       0x02
#define KBC_PULSE_RESET_LINE 0xfe
#define KBC_WAIT_POLLS       100000

void pc_reset_via_control_port(void)
{
    cpu_outb(RESET_CONTROL_PORT, RESET_SYSTEM);
    cpu_outb(RESET_CONTROL_PORT, RESET_SYSTEM | RESET_CPU);
}

void pc_reset_via_keyboard_controller(void)
{
    /* The controller takes a command only once its input buffer is empty. */
    for (unsigned i = 0; i < KBC_WAIT_POLLS && (cpu_inb(KBC_STATUS_PORT) & KBC_INPUT_FULL); i++)
        ;
    cpu_outb(KBC_STATUS_PORT, KBC_PULSE_RESET_LINE);
}
