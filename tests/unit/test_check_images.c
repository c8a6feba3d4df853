/*
 * check-config's image checks (tools/check-images.c): a kernel beside the
 * config goes through the same loader the hypervisor boots it with, so an
 * image the boot would refuse is refused here, at the line of its key.
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/boot_image.h"
#include "tests/unit/config_expect.h"
#include "tools/check-images.h"

static char dir[] = "/tmp/check-images-XXXXXX";
static FILE *report;

static void setup(void)
{
    cr_assert_not_null(mkdtemp(dir));
    report = tmpfile();
}

static void teardown(void)
{
    char command[128];

    fclose(report);
    snprintf(command, sizeof(command), "rm -rf %s", dir);
    cr_assert_eq(system(command), 0);
    strcpy(dir, "/tmp/check-images-XXXXXX");
}

static void write_beside(const char *name, const void *bytes, size_t size)
{
    char path[256];
    FILE *file;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    file = fopen(path, "wb");
    cr_assert_not_null(file);
    cr_assert_eq(fwrite(bytes, 1, size, file), size);
    fclose(file);
}

/* A multiboot kernel with the a.out kludge, loaded at 1 MiB. */
static void write_multiboot(const char *name, uint32_t load_addr)
{
    uint8_t image[0x1000] = {0};
    uint32_t flags = 1u << 16;

    boot_write_le(image, 0x1badb002, 4);
    boot_write_le(image + 4, flags, 4);
    boot_write_le(image + 8, (uint32_t) - (0x1badb002u + flags), 4);
    boot_write_le(image + 12, load_addr, 4);
    boot_write_le(image + 16, load_addr, 4);
    boot_write_le(image + 28, load_addr + 32, 4);
    write_beside(name, image, sizeof(image));
}

static const char *report_text(void)
{
    static char text[1024];
    size_t n;

    rewind(report);
    n = fread(text, 1, sizeof(text) - 1, report);
    text[n] = '\0';
    return text;
}

#define HEAD "[partition k]\ncpus = 1\nmemory = 4M\n"

Test(check_images, a_good_kernel_is_checked, .init = setup, .fini = teardown)
{
    write_multiboot("mb.bin", 0x100000);
    write_beside("initrd.img", "data", 4);
    expect_ok(HEAD "kernel = mb.bin\ninitrd = initrd.img\ncmdline = hello\n");
    cr_assert_eq(check_images(&config, dir, report, &error), 0, "%s", error.message);
    cr_assert(strstr(report_text(), "checked     mb.bin: a multiboot kernel"));
}

Test(check_images, a_kernel_the_boot_refuses_fails_at_its_line, .init = setup, .fini = teardown)
{
    write_multiboot("mb.bin", 0x800000); /* past the partition's 4 MiB */
    expect_ok(HEAD "mode = full\nkernel = mb.bin\n");
    cr_assert_eq(check_images(&config, dir, report, &error), -1);
    cr_assert_eq(error.line, 5);
    cr_assert_str_eq(error.message,
                     "partition 'k': kernel mb.bin: a segment lies past the partition's RAM");
}

Test(check_images, a_non_kernel_under_kernel_is_named, .init = setup, .fini = teardown)
{
    write_beside("flat.bin", "\xf4\xf4\xf4\xf4", 4);
    expect_ok(HEAD "kernel = flat.bin\n");
    cr_assert_eq(check_images(&config, dir, report, &error), -1);
    cr_assert(strstr(error.message, "not a bzImage, a PVH vmlinux or a multiboot kernel"));
    expect_ok(HEAD "image = flat.bin\n");
    cr_assert_eq(check_images(&config, dir, report, &error), 0, "an image may be flat");
}

Test(check_images, an_initrd_that_does_not_fit_fails_at_the_initrd_line, .init = setup,
     .fini = teardown)
{
    static uint8_t big[4 << 20];

    write_multiboot("mb.bin", 0x100000);
    write_beside("big.img", big, sizeof(big));
    expect_ok(HEAD "kernel = mb.bin\ncmdline = x\ninitrd = big.img\n");
    cr_assert_eq(check_images(&config, dir, report, &error), -1);
    cr_assert_eq(error.line, 6);
    cr_assert(strstr(error.message, "the initrd does not fit"));
}

Test(check_images, files_not_beside_the_config_are_listed, .init = setup, .fini = teardown)
{
    expect_ok(HEAD "kernel = vmlinuz\n");
    cr_assert_eq(check_images(&config, dir, report, &error), 0);
    cr_assert(strstr(report_text(), "not found   vmlinuz beside the config: not checked"));
}
