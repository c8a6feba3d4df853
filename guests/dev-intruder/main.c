/*
 * A partition that owns nothing and reaches for what the privileged
 * partition owns, for the device-ownership scenario: the scratch register
 * of the serial port at 0x2f8 (the access exits and gets the bare-metal
 * answer for a port nobody has: the write is dropped, reads are all ones),
 * then the device memory at the address its config's script line names (a
 * PCI BAR of the owner), which is in no EPT of this partition: the read
 * must stop it.
 */
#include "guests/lib/guest.h"
#include "guests/lib/touch.h"

#define OWNED_UART_SCRATCH 0x2ff

/* "0x..." at the start of the script line; 0 when there is none. */
static uint64_t address_from_script(const char *script)
{
    uint64_t value = 0;

    if (script[0] != '0' || script[1] != 'x')
        return 0;
    for (const char *c = script + 2; *c; c++) {
        unsigned digit;
        if (*c >= '0' && *c <= '9')
            digit = (unsigned)(*c - '0');
        else if (*c >= 'a' && *c <= 'f')
            digit = (unsigned)(*c - 'a' + 10);
        else
            break;
        value = value << 4 | digit;
    }
    return value;
}

int guest_main(const struct bulkhead_boot_info *info)
{
    uint64_t device_memory = address_from_script(info->script);

    cpu_outb(OWNED_UART_SCRATCH, 0x5a);
    uint8_t scratch = cpu_inb(OWNED_UART_SCRATCH);
    printf("dev-intruder: serial 0x2f8 scratch register reads 0x%x\n", scratch);
    EXPECT_EQ(scratch, 0xff);
    EXPECT_TRUE(device_memory != 0);
    if (!device_memory)
        return guest_exit_status();
    uint32_t value = touch_read("dev-intruder", device_memory);
    printf("dev-intruder: still running, device memory read 0x%x\n", value);
    return GUEST_STATUS_NOT_STOPPED;
}
