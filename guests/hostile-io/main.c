/*
 * Pokes I/O ports it does not own: PCI configuration space, the two reset
 * ports and the hypervisor's serial port. Reads must return all ones and
 * writes must be dropped, so the machine keeps running and nothing reaches
 * the serial console.
 */
#include "guests/lib/guest.h"

#define PCI_CONFIG_ADDRESS       0xcf8
#define PCI_CONFIG_DATA          0xcfc
#define PCI_CONFIG_ENABLE        0x80000000u /* bus 0, device 0, function 0, register 0 */
#define KBC_COMMAND_PORT         0x64
#define KBC_PULSE_RESET          0xfe
#define RESET_CONTROL_PORT       0xcf9
#define RESET_CONTROL_SYS_RST    0x02
#define RESET_CONTROL_HARD_RESET 0x06 /* SYS_RST | RST_CPU */
#define UART_DATA_PORT           0x3f8

/* Written to the UART only; never printed, so a test can look for it in the
 * serial log and must not find it. */
#define UART_MARKER "LEAKED-TO-UART\r\n"

static uint32_t read_pci_config_header(void)
{
    cpu_outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE);
    return cpu_inl(PCI_CONFIG_DATA);
}

static void write_uart_marker(void)
{
    static const char marker[] = UART_MARKER;

    for (unsigned i = 0; i < sizeof(marker) - 1; i++)
        cpu_outb(UART_DATA_PORT, (uint8_t)marker[i]);
}

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    printf("hostile-io: reading PCI config of 00:00.0 through 0xcf8/0xcfc\n");
    uint32_t id = read_pci_config_header();
    printf("hostile-io: read 0x%x\n", id);
    EXPECT_EQ(id, 0xffffffffu);

    printf("hostile-io: writing 0xfe to port 0x64 (keyboard controller reset)\n");
    cpu_outb(KBC_COMMAND_PORT, KBC_PULSE_RESET);
    printf("hostile-io: still running after 0x64 reset\n");

    printf("hostile-io: writing 0x02 then 0x06 to port 0xcf9 (PCI reset)\n");
    cpu_outb(RESET_CONTROL_PORT, RESET_CONTROL_SYS_RST);
    cpu_outb(RESET_CONTROL_PORT, RESET_CONTROL_HARD_RESET);
    printf("hostile-io: still running after 0xcf9 reset\n");

    printf("hostile-io: writing a marker string to port 0x3f8 (serial port)\n");
    write_uart_marker();
    printf("hostile-io: still running after 0x3f8 writes\n");
    return guest_exit_status();
}
