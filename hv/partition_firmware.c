/* The firmware tables a full partition finds in its RAM (lib/acpi_tables.h),
 * at the top of the legacy hole as on a PC. */
#include "hv/log.h"
#include "hv/partition_image.h"
#include "lib/acpi_tables.h"
#include "lib/pc_layout.h"

static bool has_keyboard_controller(const struct config_partition *c)
{
    for (unsigned i = 0; i < c->device_count; i++) {
        if (c->devices[i].kind == CONFIG_DEVICE_KEYBOARD)
            return true;
    }
    return false;
}

void partition_write_firmware_tables(struct partition *p, uint8_t *ram)
{
    struct acpi_partition described = {PC_FIRMWARE_TABLES, p->config->cpu_count,
                                       has_keyboard_controller(p->config), true};

    if (p->config->mode != CONFIG_MODE_FULL)
        return;
    if (p->ram_size < PC_LEGACY_HOLE_END) {
        log_line("partition %s: no ACPI tables: its RAM ends below 1 MiB", p->config->name);
        return;
    }
    if (!acpi_tables_build(ram + PC_FIRMWARE_TABLES, PC_LEGACY_HOLE_END - PC_FIRMWARE_TABLES,
                           &described))
        log_error("partition %s: its ACPI tables do not fit below 1 MiB", p->config->name);
}
