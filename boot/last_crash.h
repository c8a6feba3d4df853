/*
 * What the previous boot left in the crash page (lib/crash_page.h): the
 * stub claims the page at its fixed address before anything else, shows on
 * the console how the last boot ended when it did not end cleanly, writes
 * the whole of it to bulkhead-lastcrash.txt beside BOOTX64.EFI, clears the
 * page and hands it to the core for this boot.
 */
#ifndef BOOT_LAST_CRASH_H
#define BOOT_LAST_CRASH_H

#include "boot/esp.h"
#include "hv/boot_info.h"

#define LAST_CRASH_FILE "bulkhead-lastcrash.txt"

/* Sets info->crash_page_phys, 0 when no candidate address was free. */
void last_crash_take(const struct esp_dir *dir, struct boot_info *info);

#endif
