/*
 * Devices the privileged partition owns (the config's `devices` key): the
 * ports of an owned UART or PCI I/O BAR are opened in an I/O bitmap of its
 * own, so it reaches them without an exit; an owned PCI function's memory
 * BARs (uncached) and the firmware framebuffer (write-combining) are mapped
 * into its EPT at their host-physical addresses; an owned PS/2 controller
 * stays trapped, for the hypervisor to filter. Every other partition
 * keeps the shared bitmaps, in which every port exits, and has none of this
 * memory in its EPT.
 */
#include "hv/arch.h"
#include "drivers/pci.h"
#include "hv/log.h"
#include "hv/memory.h"
#include "hv/partition.h"
#include "lib/pc_layout.h"

#define PORT_COUNT_MAX         0x10000u
#define PCI_INTERRUPT_LINE_REG 0x3c /* its byte 0x3d: the pin, 0 for none */
#define PCI_CLASS_REG          0x08 /* bits 31:8 the class code, 7:0 the revision */

/* The hypervisor's own UART (0: none): never opened to a partition, even
 * when a PCI I/O BAR claims it. */
static uint16_t console_port;

static bool pci_present(uint8_t bus, uint8_t slot, uint8_t function)
{
    return pci_function_present((struct pci_function){bus, slot, function});
}

/* A function without an interrupt pin has no IRQ, whatever its line
 * register holds. */
static uint8_t pci_interrupt_line(uint8_t bus, uint8_t slot, uint8_t function)
{
    uint32_t line_and_pin =
        pci_config_read((struct pci_function){bus, slot, function}, PCI_INTERRUPT_LINE_REG, 2);

    return (line_and_pin >> 8) == 0 ? CONFIG_PCI_NO_LINE : (uint8_t)line_and_pin;
}

static uint32_t pci_class(uint8_t bus, uint8_t slot, uint8_t function)
{
    return pci_config_read32((struct pci_function){bus, slot, function}, PCI_CLASS_REG) >> 8;
}

static bool has_framebuffer(const struct boot_info *boot)
{
    return boot->framebuffer.format != BOOT_FB_NONE && boot->framebuffer.phys != 0;
}

bool partition_devices_present(const struct config *config, const struct boot_info *boot)
{
    struct config_machine_devices machine = {has_framebuffer(boot), pci_present, pci_interrupt_line,
                                             pci_class};
    struct config_error error;
    char message[CONFIG_MESSAGE_LEN + CONFIG_NAME_LEN + 16];

    console_port = config->hypervisor.serial_port;
    if (config_check_devices(config, &machine, &error) == 0)
        return true;
    config_format_error(&error, message, sizeof(message));
    log_error("%s", message);
    return false;
}

/* ---- ports -------------------------------------------------------------- */

/* Ports the hypervisor keeps whatever a BAR says: its console, and the
 * ones config_kept_ports_overlap() names. */
static bool ports_kept(uint32_t first, uint32_t count)
{
    if (console_port && first < console_port + (uint32_t)CONFIG_SERIAL_PORT_COUNT &&
        console_port < first + count)
        return true;
    return config_kept_ports_overlap(first, first + count - 1) != 0;
}

/* `console`: these are the console's ports, handed over to their owner. */
static const char *open_ports(struct partition *p, uint32_t first, uint32_t count, bool console)
{
    if (count == 0 || first + count > PORT_COUNT_MAX)
        return "its ports lie outside the I/O space";
    if (!console && ports_kept(first, count))
        return "its ports include ones the hypervisor keeps (its console, 0xe9, 0xf4, "
               "0xcf8-0xcff)";
    if (!arch_partition_open_ports(p, (uint16_t)first, count))
        return "not enough memory for its I/O bitmaps";
    return 0;
}

/* ---- device memory -------------------------------------------------------- */

/* Device memory is never what the firmware's map calls RAM: a BAR left at
 * such an address would hand over memory of the hypervisor or of another
 * partition. */
static bool overlaps_machine_ram(const struct boot_info *boot, uint64_t start, uint64_t end)
{
    for (unsigned i = 0; i < boot->memory_region_count; i++) {
        const struct boot_memory_region *r = &boot->memory[i];
        if (r->type == BOOT_MEM_MMIO || r->type == BOOT_MEM_RESERVED)
            continue;
        if (start < r->base + r->pages * FRAME_SIZE && r->base < end)
            return true;
    }
    return false;
}

/* Its RAM as the PC layout places it: a BAR in the MMIO hole is fine. */
static bool overlaps_own_ram(const struct partition *p, uint64_t start, uint64_t end)
{
    struct pc_ram_piece pieces[PC_RAM_PIECES];
    unsigned count = pc_layout_ram_pieces(p->ram_size, pieces);

    for (unsigned i = 0; i < count; i++) {
        if (start < pieces[i].guest + pieces[i].size && pieces[i].guest < end)
            return true;
    }
    return false;
}

static const char *map_device_memory(struct partition *p, const struct boot_info *boot,
                                     uint64_t base, uint64_t size, bool write_combining)
{
    uint64_t start = base & ~(uint64_t)(FRAME_SIZE - 1);
    uint64_t end = (base + size + FRAME_SIZE - 1) & ~(uint64_t)(FRAME_SIZE - 1);

    if (base == 0 || size == 0 || end <= start)
        return "it has no address assigned";
    if (overlaps_own_ram(p, start, end))
        return "it overlaps the partition's RAM";
    if (overlaps_machine_ram(boot, start, end))
        return "it overlaps RAM of the machine";
    struct arch_memory_region region = {
        start, start, end - start, write_combining ? ARCH_MEMORY_FRAMEBUFFER : ARCH_MEMORY_DEVICE};

    if (!arch_memory_region_unmapped(p, start, end - start))
        return "it overlaps device memory mapped already";
    if (!arch_map_memory_region(p, &region))
        return "not enough memory for its EPT";
    return 0;
}

/* ---- one device of each kind ------------------------------------------- */

static void list_device(struct partition *p, uint32_t kind, uint32_t id)
{
    if (p->device_count < GUEST_MAX_DEVICES)
        p->devices[p->device_count++] = (struct guest_device){kind, id};
}

/* A range of the device listed next (its index is device_count). */
static const char *list_range(struct partition *p, uint64_t base, uint64_t size, uint32_t kind,
                              uint32_t bar)
{
    if (p->range_count == GUEST_MAX_DEVICE_RANGES)
        return "its devices decode more ranges than the boot-info page can list";
    p->ranges[p->range_count++] =
        (struct guest_device_range){base, size, p->device_count, kind, bar, 0};
    return 0;
}

static const char *attach_serial(struct partition *p, const struct config_device *d)
{
    bool console = console_port && d->port == console_port;
    const char *problem = open_ports(p, d->port, CONFIG_SERIAL_PORT_COUNT, console);

    if (!problem)
        problem = list_range(p, d->port, CONFIG_SERIAL_PORT_COUNT, GUEST_RANGE_PORTS, 0);
    if (problem)
        return problem;
    list_device(p, GUEST_DEVICE_SERIAL, d->port);
    log_line("partition %s: owns serial 0x%x: ports 0x%x-0x%x open%s", p->config->name, d->port,
             d->port, d->port + CONFIG_SERIAL_PORT_COUNT - 1,
             console ? " (the console, once it takes it over)" : "");
    return 0;
}

_Static_assert(GUEST_FB_RGBX == BOOT_FB_RGBX && GUEST_FB_BGRX == BOOT_FB_BGRX,
               "the partition gets the firmware's pixel format as it is");

_Static_assert(CONFIG_ATA_CONTROL_OFFSET == GUEST_ATA_CONTROL_OFFSET,
               "the owner finds the control block where the config put it");

/* Its command block and its control block; the owner polls the disk, so
 * its IRQ stays unbound. */
static const char *attach_ata(struct partition *p, const struct config_device *d)
{
    uint32_t control = d->port + CONFIG_ATA_CONTROL_OFFSET;
    const char *problem = open_ports(p, d->port, CONFIG_ATA_COMMAND_PORTS, false);

    if (!problem)
        problem = open_ports(p, control, 1, false);
    if (!problem)
        problem = list_range(p, d->port, CONFIG_ATA_COMMAND_PORTS, GUEST_RANGE_PORTS, 0);
    if (!problem)
        problem = list_range(p, control, 1, GUEST_RANGE_PORTS, 0);
    if (problem)
        return problem;
    list_device(p, GUEST_DEVICE_ATA, d->port);
    log_line("partition %s: owns ata 0x%x: ports 0x%x-0x%x and 0x%x open", p->config->name, d->port,
             d->port, d->port + CONFIG_ATA_COMMAND_PORTS - 1, control);
    return 0;
}

/* The hypervisor stops drawing its log on a framebuffer it gave away. */
static const char *attach_framebuffer(struct partition *p, const struct boot_info *boot)
{
    const struct boot_framebuffer *fb = &boot->framebuffer;
    const char *problem = map_device_memory(p, boot, fb->phys, fb->size, true);

    if (!problem)
        problem = list_range(p, fb->phys, fb->size, GUEST_RANGE_MEMORY, 0);
    if (problem)
        return problem;
    p->framebuffer = (struct guest_framebuffer){fb->phys,   fb->size,           fb->width,
                                                fb->height, fb->pixels_per_row, fb->format};
    list_device(p, GUEST_DEVICE_FRAMEBUFFER, 0);
    log_line("partition %s: owns framebuffer: 0x%llx-0x%llx mapped write-combining (%ux%u)",
             p->config->name, (unsigned long long)fb->phys,
             (unsigned long long)(fb->phys + fb->size - 1), fb->width, fb->height);
    log_use_framebuffer(0);
    log_line("framebuffer: handed over to partition %s; the log goes on %s", p->config->name,
             console_port ? "on serial only" : "in the log ring only (serial = none)");
    return 0;
}

/* The ports stay trapped: hv/partition_keyboard.c passes every access on
 * but the reset and A20 commands. */
static void attach_keyboard(struct partition *p)
{
    p->keyboard_filter = (struct i8042_filter){false};
    list_device(p, GUEST_DEVICE_KEYBOARD, I8042_DATA_PORT);
    log_line("partition %s: owns keyboard: ports 0x%x and 0x%x trapped (reset and A20 commands "
             "kept by the hypervisor), IRQ 1",
             p->config->name, I8042_DATA_PORT, I8042_COMMAND_PORT);
}

static const char *attach_bar(struct partition *p, const struct boot_info *boot,
                              const char *device_name, const struct pci_bar *bar)
{
    const char *problem;

    if (bar->kind == PCI_BAR_IO) {
        problem = open_ports(p, (uint32_t)bar->base, (uint32_t)bar->size, false);
        if (!problem)
            log_line("partition %s: owns %s: BAR%u ports 0x%llx-0x%llx open", p->config->name,
                     device_name, bar->index, (unsigned long long)bar->base,
                     (unsigned long long)(bar->base + bar->size - 1));
    } else {
        problem = map_device_memory(p, boot, bar->base, bar->size, false);
        if (!problem)
            log_line("partition %s: owns %s: BAR%u memory 0x%llx-0x%llx mapped uncached",
                     p->config->name, device_name, bar->index, (unsigned long long)bar->base,
                     (unsigned long long)(bar->base + bar->size - 1));
    }
    if (!problem)
        problem = list_range(p, bar->base, bar->size,
                             bar->kind == PCI_BAR_IO ? GUEST_RANGE_PORTS : GUEST_RANGE_MEMORY,
                             bar->index);
    if (problem)
        log_error("partition %s: %s BAR%u at 0x%llx: %s", p->config->name, device_name, bar->index,
                  (unsigned long long)bar->base, problem);
    return problem;
}

/* The owner learns its function's IRQ where PC software looks for it: an
 * IRQ named in the config replaces what the firmware wrote there. */
static void attach_pci_irq(struct partition *p, const struct config_device *d, uint8_t *irq,
                           const char *name)
{
    struct pci_function f = {d->bus, d->slot, d->function};

    *irq = d->irq;
    if (d->irq != 0)
        pci_config_write(f, PCI_INTERRUPT_LINE_REG, 1, d->irq);
    else
        *irq = config_device_irq(d, pci_interrupt_line(d->bus, d->slot, d->function));
    if (*irq == 0)
        log_line("partition %s: owns %s: no IRQ (its interrupt line register names none)",
                 p->config->name, name);
    else
        log_line("partition %s: owns %s: IRQ %u (%s), level-triggered, active low", p->config->name,
                 name, *irq, d->irq ? "the config's" : "its interrupt line register");
}

/* With no IOMMU a device's DMA reaches any memory: bus mastering stays off
 * unless the config trusts the owner with all of it (`dma`). */
static void log_bus_mastering(const struct partition *p, const struct config_device *d,
                              const char *name)
{
    if (d->dma)
        log_line("partition %s: owns %s: bus mastering allowed: with no IOMMU its DMA reaches "
                 "all memory, the hypervisor's and every partition's, so %s is trusted with all "
                 "of it",
                 p->config->name, name, p->config->name);
    else
        log_line("partition %s: owns %s: bus mastering off (no IOMMU to confine its DMA)",
                 p->config->name, name);
}

static const char *attach_pci(struct partition *p, const struct boot_info *boot,
                              const struct config_device *d, uint8_t *irq)
{
    struct pci_function f = {d->bus, d->slot, d->function};
    struct pci_bar bars[PCI_MAX_BARS];
    unsigned count = pci_read_bars(f, bars);
    char name[CONFIG_DEVICE_NAME_LEN];

    config_device_name(d, name, sizeof(name));
    for (unsigned i = 0; i < count; i++) {
        if (attach_bar(p, boot, name, &bars[i]))
            return "a BAR of an owned PCI function cannot be given to it";
    }
    /* The owner reaches configuration space only through the filter, so
     * the decoding of the ranges it was given is turned on here. */
    pci_enable_for_owner(f, d->dma);
    log_bus_mastering(p, d, name);
    if (count == 0)
        log_line("partition %s: owns %s: it has no BAR in use", p->config->name, name);
    attach_pci_irq(p, d, irq, name);
    list_device(p, GUEST_DEVICE_PCI, (uint32_t)d->bus << 8 | (uint32_t)d->slot << 3 | d->function);
    return 0;
}

static const char *attach_one(struct partition *p, const struct boot_info *boot,
                              const struct config_device *d, uint8_t *irq)
{
    *irq = 0;
    switch (d->kind) {
    case CONFIG_DEVICE_SERIAL:
        *irq = d->irq;
        return attach_serial(p, d);
    case CONFIG_DEVICE_FRAMEBUFFER:
        return attach_framebuffer(p, boot);
    case CONFIG_DEVICE_KEYBOARD:
        *irq = d->irq;
        attach_keyboard(p);
        return 0;
    case CONFIG_DEVICE_PCI:
        return attach_pci(p, boot, d, irq);
    case CONFIG_DEVICE_ATA:
        return attach_ata(p, d);
    }
    return "it names a device of an unknown kind";
}

const char *partition_devices_attach(struct partition *p, const struct boot_info *boot)
{
    const struct config_partition *c = p->config;

    for (unsigned i = 0; i < c->device_count; i++) {
        const char *problem = attach_one(p, boot, &c->devices[i], &p->device_irqs[i]);
        if (problem) {
            char name[CONFIG_DEVICE_NAME_LEN];
            config_device_name(&c->devices[i], name, sizeof(name));
            log_error("partition %s: %s cannot be given to it: %s", c->name, name, problem);
            return "a device it owns cannot be given to it";
        }
    }
    return 0;
}
