/*
 * Pokes I/O ports it does not own: PCI configuration space, the two reset
 * ports and the hypervisor's serial port. PCI configuration space shows
 * only its own virtual host bridge at 00:00.0, never the machine's
 * functions (00:01.0 is the emulator's ISA bridge); other reads return all
 * ones and writes are dropped, so the machine keeps running and nothing
 * reaches the serial console. Both reset ports are its own platform's: a
 * keyboard-controller command that pulses no reset does nothing, and its
 * last write resets this partition only, through the reset register, or
 * with `script = kbc` through the keyboard controller's reset line.
 */
#include "guests/lib/guest.h"
#include "lib/string.h"

#define PCI_CONFIG_ADDRESS       0xcf8
#define PCI_CONFIG_DATA          0xcfc
#define PCI_CONFIG_ENABLE        0x80000000u /* bus 0, device 0, function 0, register 0 */
#define PCI_DEVICE_1             0x00000800u
#define VIRTUAL_HOST_BRIDGE_ID   0x29c08086u /* Q35 memory controller hub */
#define KBC_COMMAND_PORT         0x64
#define KBC_PULSE_RESET          0xfe
#define KBC_PULSE_NOTHING        0xff /* bit 0 set: the reset line stays */
#define RESET_CONTROL_PORT       0xcf9
#define RESET_CONTROL_SYS_RST    0x02
#define RESET_CONTROL_HARD_RESET 0x06 /* SYS_RST | RST_CPU */
#define UART_DATA_PORT           0x3f8

/* Written to the UART only; never printed, so a test can look for it in the
 * serial log and must not find it. */
#define UART_MARKER "LEAKED-TO-UART\r\n"

static uint32_t read_pci_config_header(uint32_t function)
{
    cpu_outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | function);
    return cpu_inl(PCI_CONFIG_DATA);
}

static void write_uart_marker(void)
{
    static const char marker[] = UART_MARKER;

    for (unsigned i = 0; i < sizeof(marker) - 1; i++)
        cpu_outb(UART_DATA_PORT, (uint8_t)marker[i]);
}

/* The reset of its own platform: the scenario stops the partition there. */
static void reset_itself(bool through_keyboard_controller)
{
    if (through_keyboard_controller) {
        printf("hostile-io: writing 0xfe to port 0x64 (keyboard controller reset)\n");
        cpu_outb(KBC_COMMAND_PORT, KBC_PULSE_RESET);
    } else {
        printf("hostile-io: writing 0x06 to port 0xcf9 (reset)\n");
        cpu_outb(RESET_CONTROL_PORT, RESET_CONTROL_HARD_RESET);
    }
    printf("hostile-io: still running after a reset\n");
}

int guest_main(const struct bulkhead_boot_info *info)
{
    printf("hostile-io: reading PCI config of 00:00.0 and 00:01.0 through 0xcf8/0xcfc\n");
    uint32_t bridge = read_pci_config_header(0);
    uint32_t id = read_pci_config_header(PCI_DEVICE_1);
    printf("hostile-io: read 0x%x and 0x%x\n", bridge, id);
    EXPECT_EQ(bridge, VIRTUAL_HOST_BRIDGE_ID);
    EXPECT_EQ(id, 0xffffffffu);

    printf("hostile-io: writing 0xff to port 0x64 (a pulse of no line)\n");
    cpu_outb(KBC_COMMAND_PORT, KBC_PULSE_NOTHING);
    printf("hostile-io: still running after 0xff to 0x64\n");

    printf("hostile-io: writing a marker string to port 0x3f8 (serial port)\n");
    write_uart_marker();
    printf("hostile-io: still running after 0x3f8 writes\n");

    /* 0x02 alone resets nothing; 0x06 resets this partition only. */
    printf("hostile-io: writing 0x02 to port 0xcf9\n");
    cpu_outb(RESET_CONTROL_PORT, RESET_CONTROL_SYS_RST);
    printf("hostile-io: still running after 0x02 to 0xcf9\n");
    reset_itself(strncmp(info->script, "kbc", GUEST_SCRIPT_LEN) == 0);
    return guest_exit_status();
}
