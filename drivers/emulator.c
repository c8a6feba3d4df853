#include "drivers/emulator.h"

#include "arch/x86_64/cpu.h"

#define BOCHS_SHUTDOWN_PORT  0x8900
#define QEMU_DEBUG_EXIT_PORT 0xf4

void emulator_exit(uint8_t code)
{
    for (const char *p = "Shutdown"; *p; p++)
        cpu_outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*p);
    cpu_outb(QEMU_DEBUG_EXIT_PORT, code);
}
