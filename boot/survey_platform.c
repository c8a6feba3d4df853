/*
 * The platform part of the survey: the memory map as the core will get it,
 * the ACPI tables Bulkhead reads, the PCI functions the firmware found,
 * the legacy serial ports that answer, and the framebuffer.
 */
#include "arch/x86_64/cpu.h"
#include "boot/memmap.h"
#include "boot/survey.h"

#include <efilib.h>
#include "lib/acpi.h"

#define MIB (1ull << 20)

#define MCFG_FIRST_ENTRY   44 /* after the header and 8 reserved bytes */
#define HPET_ADDRESS       44 /* the address field of its base address */
#define DMAR_ADDRESS_WIDTH 36

#define PCI_ID           0x00
#define PCI_CLASS        0x08
#define PCI_INTERRUPT    0x3c
#define UART_SCRATCH     7
#define UART_LINE_STATUS 5

static struct boot_memory_region regions[BOOT_MAX_MEMORY_REGIONS];

static const char *region_name(uint32_t type)
{
    static const char *const names[] = {
        [BOOT_MEM_USABLE] = "usable",
        [BOOT_MEM_RESERVED] = "reserved",
        [BOOT_MEM_ACPI_RECLAIM] = "acpi",
        [BOOT_MEM_ACPI_NVS] = "acpi-nvs",
        [BOOT_MEM_MMIO] = "mmio",
        [BOOT_MEM_CORE] = "bulkhead core",
        [BOOT_MEM_MODULE] = "bulkhead file",
        [BOOT_MEM_BOOT_DATA] = "bulkhead boot data",
        [BOOT_MEM_TRAMPOLINE] = "bulkhead AP start",
        [BOOT_MEM_CRASH_PAGE] = "bulkhead crash page",
    };

    return type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] : "unknown";
}

static void describe_memory(struct survey *s, const struct memory_map *map)
{
    size_t count = memmap_convert(map->buffer, map->size, map->descriptor_size, regions,
                                  BOOT_MAX_MEMORY_REGIONS);

    format_append(&s->text, "\n[memory map] (firmware boot-time memory counted as usable)\n");
    s->machine.usable_bytes = 0;
    for (size_t i = 0; i < count; i++) {
        uint64_t end = regions[i].base + regions[i].pages * EFI_PAGE_SIZE;
        format_append(&s->text, "0x%012llx-0x%012llx %s\n", (unsigned long long)regions[i].base,
                      (unsigned long long)end, region_name(regions[i].type));
        if (regions[i].type == BOOT_MEM_USABLE)
            s->machine.usable_bytes += regions[i].pages * EFI_PAGE_SIZE;
    }
    format_append(&s->text, "usable: %llu MiB in %u regions\n",
                  (unsigned long long)(s->machine.usable_bytes / MIB), (unsigned)count);
}

static void *identity(uint64_t phys)
{
    return (void *)(UINTN)phys;
}

struct madt_counts {
    unsigned cpus, ioapics;
};

static void count_madt_entry(const struct acpi_header *madt, struct acpi_madt_entry entry,
                             void *context)
{
    struct madt_counts *counts = context;
    uint32_t apic_id;

    counts->cpus += acpi_madt_enabled_cpu(madt, entry, &apic_id);
    counts->ioapics += entry.type == ACPI_MADT_IOAPIC;
}

static void describe_table_contents(struct survey *s, const struct acpi_header *table)
{
    struct format_text *out = &s->text;

    if (acpi_table_is(table, "APIC")) {
        struct madt_counts counts = {0, 0};
        acpi_walk_madt(table, count_madt_entry, &counts);
        format_append(out, "  MADT: %u enabled CPUs, %u IOAPICs\n", counts.cpus, counts.ioapics);
    } else if (acpi_table_is(table, "MCFG")) {
        for (uint32_t at = MCFG_FIRST_ENTRY; at + 16 <= table->length; at += 16)
            format_append(
                out, "  MCFG: ECAM at 0x%llx, segment %u, buses %u-%u\n",
                (unsigned long long)acpi_read64(table, at), acpi_read32(table, at + 8) & 0xffff,
                (acpi_read32(table, at + 8) >> 16) & 0xff, acpi_read32(table, at + 8) >> 24);
    } else if (acpi_table_is(table, "HPET")) {
        format_append(out, "  HPET at 0x%llx\n",
                      (unsigned long long)acpi_read64(table, HPET_ADDRESS));
    } else if (acpi_table_is(table, "DMAR")) {
        s->dmar = true;
        format_append(out, "  DMAR: VT-d described, host address width %u bits\n",
                      (acpi_read32(table, DMAR_ADDRESS_WIDTH) & 0xff) + 1);
    }
}

static void visit_table(const struct acpi_header *table, void *context)
{
    struct survey *s = context;
    size_t used = 0;

    while (used < sizeof(s->acpi_tables) && s->acpi_tables[used])
        used++;
    if (used + 6 <= sizeof(s->acpi_tables)) {
        if (used)
            s->acpi_tables[used++] = ' ';
        CopyMem(s->acpi_tables + used, table->signature, 4);
        s->acpi_tables[used + 4] = 0;
    }
    format_append(&s->text, "%c%c%c%c at 0x%llx, %u bytes, revision %u\n", table->signature[0],
                  table->signature[1], table->signature[2], table->signature[3],
                  (unsigned long long)(UINTN)table, table->length, table->revision);
    describe_table_contents(s, table);
}

static const char *yes_no_table(const struct survey *s, const char signature[4])
{
    for (size_t at = 0; s->acpi_tables[at]; at += 5) {
        if (acpi_bytes_are(s->acpi_tables + at, signature, 4))
            return "yes";
        if (!s->acpi_tables[at + 4])
            break;
    }
    return "no";
}

static void describe_acpi(struct survey *s, const struct boot_info *info)
{
    format_append(&s->text, "\n[acpi]\n");
    if (!info->acpi_rsdp || !acpi_walk_tables(info->acpi_rsdp, identity, visit_table, s))
        format_append(&s->text, "no valid RSDP or root table\n");
    else
        format_append(&s->text, "RSDP at 0x%llx; FADT %s, MCFG %s, HPET %s, DMAR %s\n",
                      (unsigned long long)info->acpi_rsdp, yes_no_table(s, "FACP"),
                      yes_no_table(s, "MCFG"), yes_no_table(s, "HPET"), yes_no_table(s, "DMAR"));
}

static void describe_pci_function(struct survey *s, EFI_PCI_IO_PROTOCOL *pci)
{
    UINTN segment, bus, device, function;
    UINT32 id = 0, class = 0;
    UINT16 interrupt = 0;

    if (EFI_ERROR(pci->GetLocation(pci, &segment, &bus, &device, &function)))
        return;
    pci->Pci.Read(pci, EfiPciIoWidthUint32, PCI_ID, 1, &id);
    pci->Pci.Read(pci, EfiPciIoWidthUint32, PCI_CLASS, 1, &class);
    pci->Pci.Read(pci, EfiPciIoWidthUint16, PCI_INTERRUPT, 1, &interrupt);
    s->pci_functions++;
    format_append(&s->text, "%04x:%02x:%02x.%x %04x:%04x class %02x.%02x.%02x", (unsigned)segment,
                  (unsigned)bus, (unsigned)device, (unsigned)function, id & 0xffff, id >> 16,
                  class >> 24, (class >> 16) & 0xff, (class >> 8) & 0xff);
    if (interrupt >> 8)
        format_append(&s->text, " interrupt pin %c line %u\n", 'A' + (interrupt >> 8) - 1,
                      interrupt & 0xff);
    else
        format_append(&s->text, " no interrupt pin\n");
}

static void describe_pci(struct survey *s)
{
    EFI_HANDLE *handles;
    UINTN count;

    format_append(&s->text, "\n[pci] (segment:bus:device.function vendor:device class pin line)\n");
    if (EFI_ERROR(BS->LocateHandleBuffer(ByProtocol, &PciIoProtocol, NULL, &count, &handles))) {
        format_append(&s->text, "the firmware lists no PCI function\n");
        return;
    }
    for (UINTN i = 0; i < count; i++) {
        EFI_PCI_IO_PROTOCOL *pci;
        if (!EFI_ERROR(BS->HandleProtocol(handles[i], &PciIoProtocol, (void **)&pci)))
            describe_pci_function(s, pci);
    }
    BS->FreePool(handles);
    format_append(&s->text, "%u functions\n", s->pci_functions);
}

/* A 16550 keeps what is written to its scratch register; an empty port
 * reads back all ones. The register has no other effect. */
static bool uart_answers(uint16_t port)
{
    uint8_t kept = cpu_inb(port + UART_SCRATCH);
    bool answers = cpu_inb(port + UART_LINE_STATUS) != 0xff;

    cpu_outb(port + UART_SCRATCH, 0x5a);
    answers = answers && cpu_inb(port + UART_SCRATCH) == 0x5a;
    cpu_outb(port + UART_SCRATCH, 0xa5);
    answers = answers && cpu_inb(port + UART_SCRATCH) == 0xa5;
    cpu_outb(port + UART_SCRATCH, kept);
    return answers;
}

static void describe_serial(struct survey *s)
{
    static const uint16_t legacy_ports[] = {0x3f8, 0x2f8, 0x3e8, 0x2e8};

    format_append(&s->text, "\n[serial]\n");
    s->machine.serial_count = 0;
    for (unsigned i = 0; i < sizeof(legacy_ports) / sizeof(legacy_ports[0]); i++) {
        bool present = uart_answers(legacy_ports[i]);
        format_append(&s->text, "16550 at 0x%x: %s\n", legacy_ports[i],
                      present ? "present" : "absent");
        if (present && s->machine.serial_count < SURVEY_MAX_SERIALS)
            s->machine.serial_ports[s->machine.serial_count++] = legacy_ports[i];
    }
}

static void describe_framebuffer(struct survey *s, const struct boot_framebuffer *fb)
{
    format_append(&s->text, "\n[framebuffer]\n");
    s->machine.has_framebuffer = fb->format != BOOT_FB_NONE;
    if (!s->machine.has_framebuffer) {
        format_append(&s->text, "none (no GOP mode Bulkhead can draw on)\n");
        return;
    }
    format_append(&s->text, "%ux%u, %u pixels per row, %s, at 0x%llx (%llu KiB)\n", fb->width,
                  fb->height, fb->pixels_per_row, fb->format == BOOT_FB_RGBX ? "RGBX" : "BGRX",
                  (unsigned long long)fb->phys, (unsigned long long)(fb->size >> 10));
}

void survey_platform(struct survey *s, const struct boot_info *info, const struct memory_map *map)
{
    describe_memory(s, map);
    describe_acpi(s, info);
    describe_pci(s);
    describe_serial(s);
    describe_framebuffer(s, &info->framebuffer);
}
