/*
 * The I/O ports no partition is given: the ones every partition needs the
 * hypervisor to keep, and the chipset's own registers, which no UART can
 * sit on (a `serial PORT` over them would open the PIC, the timer or the
 * reset lines to its owner without an exit).
 */
#include "lib/config.h"
#include "lib/config_text.h"

struct port_range {
    uint16_t first, last;
    const char *what;
};

/* Ports every partition needs the hypervisor to keep, whoever owns what. */
static const struct port_range kept_ports[] = {
    {0xe9, 0xe9, "the guest console port 0xe9"},
    {0xf4, 0xf4, "the guest exit port 0xf4"},
    {0xcf8, 0xcff, "the PCI configuration ports 0xcf8-0xcff"}, /* 0xcf9: reset control */
};

/* The PC chipset's registers: interrupt controllers, timer, reset and A20,
 * NMI, legacy DMA. The keyboard controller is a device of its own kind. */
static const struct port_range chipset_ports[] = {
    {0x00, 0x1f, "the DMA controller's ports 0x0-0x1f"},
    {0x20, 0x21, "the master PIC's ports 0x20-0x21"},
    {0x40, 0x43, "the PIT's ports 0x40-0x43"},
    {0x60, 0x60, "the keyboard controller's port 0x60"},
    {0x61, 0x61, "the speaker and NMI status port 0x61"},
    {0x64, 0x64, "the keyboard controller's port 0x64"},
    {0x70, 0x71, "the CMOS and NMI mask ports 0x70-0x71"},
    {0x80, 0x8f, "the POST code and DMA page ports 0x80-0x8f"},
    {0x92, 0x92, "the fast A20 and reset port 0x92"},
    {0xa0, 0xa1, "the slave PIC's ports 0xa0-0xa1"},
    {0xc0, 0xdf, "the second DMA controller's ports 0xc0-0xdf"},
    {0x4d0, 0x4d1, "the interrupt trigger (ELCR) ports 0x4d0-0x4d1"},
};

static const char *overlap_in(const struct port_range *table, size_t count, unsigned first,
                              unsigned last)
{
    for (size_t i = 0; i < count; i++) {
        if (first <= table[i].last && table[i].first <= last)
            return table[i].what;
    }
    return NULL;
}

const char *config_kept_ports_overlap(unsigned first, unsigned last)
{
    return overlap_in(kept_ports, ARRAY_LENGTH(kept_ports), first, last);
}

const char *config_chipset_ports_overlap(unsigned first, unsigned last)
{
    return overlap_in(chipset_ports, ARRAY_LENGTH(chipset_ports), first, last);
}
