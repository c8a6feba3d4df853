/* check-config's look at the files a config names: each partition's image
 * and initrd, where they lie beside the config, through the loaders the
 * hypervisor boots them with (lib/boot_image.h, lib/elf.h). */
#ifndef TOOLS_CHECK_IMAGES_H
#define TOOLS_CHECK_IMAGES_H

#include <stdio.h>

#include "lib/config.h"

/* Checks every image found in dir; what it checked or could not find goes
 * to report, one line each. Returns 0, or -1 with error at the line of the
 * key whose file the boot would refuse. */
int check_images(const struct config *config, const char *dir, FILE *report,
                 struct config_error *error);

#endif
