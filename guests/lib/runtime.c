#include "guests/lib/runtime.h"

#include "guests/lib/console.h"
#include "arch/x86_64/cpu.h"
#include "guests/lib/exceptions.h"

#include <stdbool.h>

static uint16_t exit_port = GUEST_EXIT_PORT;

static bool boot_info_valid(const struct bulkhead_boot_info *info)
{
    return info->magic == GUEST_BOOT_INFO_MAGIC && info->version == GUEST_BOOT_INFO_VERSION;
}

void runtime_init(const struct bulkhead_boot_info *info)
{
    if (!boot_info_valid(info)) {
        /* Without boot info, fall back on the ports every partition has. */
        console_init(GUEST_CONSOLE_PORT);
        printf("guest: unknown boot info (magic 0x%llx, version %u)\n",
               (unsigned long long)info->magic, info->version);
        guest_exit(GUEST_STATUS_BAD_BOOT_INFO);
    }
    /* Ports are 16 bits; the boot info keeps them in wider fields. */
    console_init((uint16_t)info->console_port);
    console_use_ring(info->console_ring, info->console_ring_port);
    if (info->exit_port != 0)
        exit_port = (uint16_t)info->exit_port;
    exceptions_init();
}

_Noreturn void guest_exit(int status)
{
    /* One byte, as QEMU's isa-debug-exit takes it: the statuses fit. */
    cpu_outb(exit_port, (uint8_t)status);
    for (;;) {
        cpu_disable_interrupts();
        cpu_halt();
    }
}
