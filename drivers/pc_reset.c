#include "drivers/pc_reset.h"

#include "arch/x86_64/cpu.h"
#include "drivers/pci.h"

#define RESET_CONTROL_PORT   0xcf9
#define RESET_SYSTEM         0x02 /* a full reset, not just the CPU */
#define RESET_CPU            0x04 /* the 0 -> 1 edge starts the reset */
#define KBC_STATUS_PORT      0x64
#define KBC_INPUT_FULL       0x02
#define KBC_PULSE_RESET_LINE 0xfe
#define KBC_WAIT_POLLS       100000

#define PIIX4_PM_ID     0x71138086u /* device << 16 | vendor */
#define PIIX4_PMREGMISC 0x80
#define PIIX4_PMIOSE    0x01 /* the PM I/O space is enabled */

/* The PIIX4's power-management function: bus 0, device 1, function 3. */
static const struct pci_function piix4_pm = {0, 1, 3};

/* A hard reset of a PIIX4 clears both its PM base address and the PM I/O
 * enable bit. Bochs 2.7 clears only the base: firmware that then finds the
 * I/O space enabled (OVMF) does not program a base again and waits forever
 * on a timer it reads at port 0x0008. Clearing the bit first is what the
 * reset does anyway. */
void pc_reset_prepare_chipset(void)
{
    if (pci_config_read32(piix4_pm, 0) != PIIX4_PM_ID)
        return;
    uint32_t misc = pci_config_read32(piix4_pm, PIIX4_PMREGMISC);
    pci_config_write32(piix4_pm, PIIX4_PMREGMISC, misc & ~PIIX4_PMIOSE);
}

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
