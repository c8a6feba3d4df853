/* Putting a partition's image into its zeroed RAM. */
#include "hv/partition_image.h"

#include "hv/arch.h"
#include "hv/console_server.h"
#include "lib/boot_image.h"
#include "lib/elf.h"
#include "hv/event.h"
#include "include/bulkhead/guest_abi.h"
#include "hv/memory.h"
#include "lib/pc_layout.h"
#include "lib/string.h"

/* Legacy real-mode images must fit below the 640 KiB of conventional memory. */
#define FLAT_IMAGE_END 0xa0000ull

static const char *load_elf(struct partition *p, const uint8_t *file, uint64_t size, uint8_t *ram)
{
    struct elf_image image;
    enum elf_status status = elf_parse(file, size, &image);

    if (status != ELF_OK)
        return elf_status_text(status);
    if (image.vaddr_start < GUEST_IMAGE_MIN_ADDRESS ||
        image.vaddr_end > pc_layout_low_ram_end(p->ram_size) ||
        image.vaddr_end > GUEST_IDENTITY_MAP_SIZE)
        return "its segments lie outside the partition's RAM (from 1 MiB up)";
    elf_copy_segments(file, &image, ram + image.vaddr_start);
    p->kernel_64bit = true;
    arch_partition_image_loaded(p, ram, &(struct arch_entry){.mode = ARCH_ENTRY_BULKHEAD64});
    p->entry = image.entry;
    return 0;
}

static const char *load_flat(struct partition *p, const uint8_t *file, uint64_t size, uint8_t *ram)
{
    uint64_t end = GUEST_FLAT_LOAD_ADDRESS + size;

    if (end > FLAT_IMAGE_END || end > pc_layout_low_ram_end(p->ram_size))
        return "a flat image must fit between 4 KiB and 640 KiB";
    memcpy(ram + GUEST_FLAT_LOAD_ADDRESS, file, size);
    p->kernel_64bit = false;
    arch_partition_image_loaded(p, ram, &(struct arch_entry){.mode = ARCH_ENTRY_REAL16});
    p->entry = GUEST_FLAT_LOAD_ADDRESS;
    return 0;
}

/* A bzImage, a PVH vmlinux or a multiboot kernel, with its initrd and
 * command line, by the loaders of lib/boot_image.h. */
static const char *load_kernel(struct partition *p, const uint8_t *file, uint64_t size,
                               uint8_t *ram)
{
    const struct config_partition *c = p->config;
    struct boot_files files = {file, size, 0, 0, c->cmdline};
    struct guest_ram guest = {ram, p->ram_size};
    struct boot_entry entry;
    const char *problem;

    if (p->initrd) {
        files.initrd = phys_to_virt(p->initrd->phys);
        files.initrd_size = p->initrd->size;
    }
    problem = boot_kernel_load(&files, &guest, &entry);
    if (problem)
        return problem;
    p->kernel_64bit = false;
    p->entry = entry.rip;
    arch_partition_image_loaded(
        p, ram,
        &(struct arch_entry){
            .mode = entry.mode == BOOT_ENTRY_LONG64 ? ARCH_ENTRY_LINUX64 : ARCH_ENTRY_FLAT32,
            .rax = entry.rax,
            .rbx = entry.rbx,
            .rsi = entry.rsi,
        });
    return 0;
}

static const char *const format_names[] = {
    [BOOT_IMAGE_FLAT] = "real-mode",      [BOOT_IMAGE_ELF] = "long-mode",
    [BOOT_IMAGE_LINUX] = "Linux bzImage", [BOOT_IMAGE_PVH] = "PVH vmlinux",
    [BOOT_IMAGE_MULTIBOOT] = "multiboot",
};

const char *partition_image_kind(const struct partition *p)
{
    return format_names[boot_image_format(phys_to_virt(p->image->phys), p->image->size)];
}

_Static_assert(GUEST_SCRIPT_LEN == CONFIG_SCRIPT_LEN, "the script fits the boot-info page");

static void fill_boot_info(const struct partition *p, uint8_t *ram)
{
    struct bulkhead_boot_info *info = (void *)(ram + GUEST_BOOT_INFO_ADDRESS);
    const struct config_partition *c = p->config;

    info->magic = GUEST_BOOT_INFO_MAGIC;
    info->version = GUEST_BOOT_INFO_VERSION;
    info->partition_id = p->id;
    memcpy(info->partition_name, c->name, sizeof(info->partition_name));
    info->partition_name[sizeof(info->partition_name) - 1] = '\0';
    info->memory_bytes = p->ram_size;
    info->cpu_count = c->cpu_count;
    info->mode = c->mode == CONFIG_MODE_PV ? GUEST_MODE_PV : GUEST_MODE_FULL;
    info->console_port = c->console == CONFIG_CONSOLE_DEBUGCON ? GUEST_CONSOLE_PORT : 0;
    info->exit_port = GUEST_EXIT_PORT;
    memcpy(info->script, c->script, sizeof(info->script));
    info->script[sizeof(info->script) - 1] = '\0';
    /* Unprivileged pv partitions with a console get the console ring. */
    if (c->mode == CONFIG_MODE_PV && !c->privileged && c->console == CONFIG_CONSOLE_DEBUGCON) {
        info->console_ring = GUEST_CONSOLE_RING_ADDRESS;
        info->console_ring_port = EVENT_CONSOLE_PORT;
    }
    /* Owned devices (partition_devices.c). */
    info->device_count = p->device_count;
    memcpy(info->devices, p->devices, sizeof(info->devices));
    info->framebuffer = p->framebuffer;
    info->range_count = p->range_count;
    memcpy(info->ranges, p->ranges, sizeof(info->ranges));
    /* Each config device is attached as one listed device, in order, or the
     * partition does not start: devices[i] is config device i. */
    _Static_assert(sizeof(info->device_irqs) == sizeof(p->device_irqs), "one IRQ per device");
    memcpy(info->device_irqs, p->device_irqs, sizeof(info->device_irqs));
    info->disk_count = p->disk_count;
    memcpy(info->disks, p->disks, sizeof(info->disks));
    info->tsc_hz = partition_tsc_hz();
}

const char *partition_image_load(struct partition *p)
{
    const uint8_t *file = phys_to_virt(p->image->phys);
    uint8_t *ram = phys_to_virt(p->ram_phys);
    enum boot_image_format format;
    const char *problem;

    /* Nothing of a previous occupant, or of a previous run, may leak. */
    memory_zero(p->ram_phys, p->ram_size);
    format = boot_image_format(file, p->image->size);
    if (boot_image_is_kernel(format) || p->config->kernel)
        problem = load_kernel(p, file, p->image->size, ram);
    else if (format == BOOT_IMAGE_ELF)
        problem = load_elf(p, file, p->image->size, ram);
    else
        problem = load_flat(p, file, p->image->size, ram);
    if (!problem)
        partition_write_firmware_tables(p, ram);
    if (!problem && p->kernel_64bit) {
        fill_boot_info(p, ram);
        console_prepare_ring(p);
    }
    return problem;
}
