/* Unit tests of the config reader's kernel, initrd and cmdline keys
 * (lib/config_partition.c) and of the files the stub then loads. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/config_expect.h"

#define LINUX_HEAD "[partition linux]\ncpus = 1\nmemory = 64M\n"

Test(config_kernel, kernel_initrd_and_quoted_cmdline)
{
    expect_ok(LINUX_HEAD "kernel = vmlinuz\ninitrd = initrd.img\n"
                         "cmdline = \"console=ttyS0  root=/dev/ram0\"\n");
    const struct config_partition *p = &config.partitions[0];
    cr_assert_str_eq(p->image, "vmlinuz");
    cr_assert(p->kernel);
    cr_assert_str_eq(p->initrd, "initrd.img");
    cr_assert_str_eq(p->cmdline, "console=ttyS0  root=/dev/ram0");
    cr_assert_eq(p->initrd_line, 5);
    cr_assert_eq(p->cmdline_line, 6);
}

Test(config_kernel, cmdline_to_the_end_of_the_line)
{
    expect_ok(LINUX_HEAD "kernel = vmlinuz\ncmdline = console=ttyS0 quiet=1   # comment\n");
    cr_assert_str_eq(config.partitions[0].cmdline, "console=ttyS0 quiet=1");
    cr_assert_str_eq(config.partitions[0].initrd, "");
}

Test(config_kernel, image_takes_no_initrd_nor_cmdline)
{
    expect_ok(LINUX_HEAD "image = guest.elf\n");
    cr_assert_not(config.partitions[0].kernel);
    expect_error(LINUX_HEAD "initrd = initrd.img\nimage = guest.elf\n", 4,
                 "'initrd' goes with a 'kernel', and line 5 names an 'image'");
    expect_error(LINUX_HEAD "image = guest.elf\ncmdline = quiet\n", 5,
                 "'cmdline' goes with a 'kernel'");
}

Test(config_kernel, kernel_or_image_but_not_both)
{
    expect_error(LINUX_HEAD "kernel = vmlinuz\nimage = guest.elf\n", 5,
                 "'image' and 'kernel' both name the file a partition boots; line 4 already did");
    expect_error(LINUX_HEAD "initrd = initrd.img\n", 1, "lacks the key 'image', which it requires");
}

Test(config_kernel, pv_partitions_take_an_image)
{
    expect_error(LINUX_HEAD "kernel = vmlinuz\nmode = pv\n", 4,
                 "'kernel' boots a kernel in a full partition");
}

Test(config_kernel, bad_cmdline_values)
{
    expect_error(LINUX_HEAD "kernel = k\ncmdline = \"console=ttyS0\n", 5, "lacks its closing");
    expect_error(LINUX_HEAD "kernel = k\ncmdline = \"a\"b\"\n", 5, "bad value");
    expect_error(LINUX_HEAD "kernel = k\ncmdline = \"\n", 5, "lacks its closing");
    expect_ok(LINUX_HEAD "kernel = k\ncmdline = \"\"\n");
    cr_assert_str_eq(config.partitions[0].cmdline, "");
}

Test(config_kernel, cmdline_up_to_the_line_limit)
{
    char text[512];
    char value[CONFIG_CMDLINE_LEN];

    memset(value, 'x', sizeof(value) - 1 - 10);
    value[sizeof(value) - 1 - 10] = '\0';
    snprintf(text, sizeof(text), LINUX_HEAD "kernel = k\ncmdline = %s\n", value);
    expect_ok(text);
    cr_assert_eq(strlen(config.partitions[0].cmdline), strlen(value));
}

Test(config_kernel, stub_loads_the_initrd_once)
{
    expect_ok(LINUX_HEAD "kernel = vmlinuz\ninitrd = initrd.img\n"
                         "[partition b]\ncpus = 2\nmemory = 64M\nkernel = vmlinuz\n"
                         "initrd = initrd.img\n");
    cr_assert_eq(config_image_count(&config), 2);
    cr_assert_str_eq(config_image_name(&config, 0), "vmlinuz");
    cr_assert_str_eq(config_image_name(&config, 1), "initrd.img");
    cr_assert_null(config_image_name(&config, 2));
}
