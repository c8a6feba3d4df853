/* Unit tests of the config reader's `disk` key (lib/config_disk.c,
 * lib/config_emulate.c) and of the disk image's size check. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/config_expect.h"

#define GUEST_HEAD "[partition guest]\ncpus = 1\nmemory = 4M\nimage = guest.elf\n"

Test(config_disk, none_by_default)
{
    expect_ok(GUEST_HEAD);
    cr_expect_eq(config.partitions[0].disk.kind, CONFIG_DISK_NONE);
    cr_expect_eq(config.partitions[0].disk_line, 0);
}

Test(config_disk, ide_adds_the_controller_ranges)
{
    expect_ok(GUEST_HEAD "disk = ide:root.img\n");
    cr_expect_eq(config.partitions[0].disk.kind, CONFIG_DISK_IDE);
    cr_expect_str_eq(config.partitions[0].disk.file, "root.img");
    cr_expect_eq(config.partitions[0].disk_line, 5);
    cr_assert_eq(config.partitions[0].emulated_count, 3);
    cr_expect_eq(emulated(0)->space, CONFIG_EMULATED_PORTS);
    cr_expect_eq(emulated(0)->base, 0x1f0);
    cr_expect_eq(emulated(0)->length, 8);
    cr_expect_eq(emulated(1)->space, CONFIG_EMULATED_PORTS);
    cr_expect_eq(emulated(1)->base, 0x3f6);
    cr_expect_eq(emulated(1)->length, 1);
    cr_expect_eq(emulated(2)->space, CONFIG_EMULATED_PCI_FUNCTION);
    cr_expect_eq(emulated(2)->bus, 0);
    cr_expect_eq(emulated(2)->slot, 1);
    cr_expect_eq(emulated(2)->function, 0);
    expect_emulated_name(0, "ide 0x1f0");
    expect_emulated_name(1, "ide 0x3f6");
    expect_emulated_name(2, "ide 00:01.0");
}

Test(config_disk, beside_other_models)
{
    expect_ok(GUEST_HEAD "emulate = uart 0x3f8\ndisk = ide:root.img\n");
    cr_expect_eq(config.partitions[0].emulated_count, 4);
}

Test(config_disk, the_image_is_loaded_once_like_the_others)
{
    expect_ok(GUEST_HEAD "disk = ide:guest.elf\n"
                         "[partition two]\ncpus = 2\nmemory = 4M\nimage = two.elf\n"
                         "disk = ide:shared.img\n");
    cr_assert_eq(config_image_count(&config), 3);
    cr_expect_str_eq(config_image_name(&config, 0), "guest.elf");
    cr_expect_str_eq(config_image_name(&config, 1), "two.elf");
    cr_expect_str_eq(config_image_name(&config, 2), "shared.img");
}

Test(config_disk, virtio_adds_the_function_and_its_registers)
{
    expect_ok(GUEST_HEAD "disk = virtio:data.img\n");
    cr_expect_eq(config.partitions[0].disk.kind, CONFIG_DISK_VIRTIO);
    cr_expect_str_eq(config.partitions[0].disk.file, "data.img");
    cr_assert_eq(config.partitions[0].emulated_count, 2);
    cr_expect_eq(emulated(0)->space, CONFIG_EMULATED_MMIO);
    cr_expect_eq(emulated(0)->base, 0xc0000000);
    cr_expect_eq(emulated(0)->length, 0x8000);
    cr_expect_eq(emulated(1)->space, CONFIG_EMULATED_PCI_FUNCTION);
    cr_expect_eq(emulated(1)->slot, 2);
    expect_emulated_name(0, "virtio 0xc0000000");
    expect_emulated_name(1, "virtio 00:02.0");
}

Test(config_disk, unknown_kind)
{
    expect_error(
        GUEST_HEAD "disk = nvme:data.img\n", 5,
        "unknown disk kind 'nvme'; the kinds known are ide and virtio, as in ide:root.img");
}

Test(config_disk, kind_without_a_file)
{
    expect_error(GUEST_HEAD "disk = ide:\n", 5,
                 "bad value 'ide:' for 'disk'; expected ide: or virtio: and its image's file "
                 "name or a range of an ATA disk");
    expect_error(GUEST_HEAD "disk = root.img\n", 5, "unknown disk kind 'root.img'");
    expect_error(GUEST_HEAD "disk = ide:a/b.img\n", 5, "bad value 'ide:a/b.img' for 'disk'");
}

Test(config_disk, overlapping_a_named_model)
{
    expect_error(GUEST_HEAD "emulate = uart 0x1f0\ndisk = ide:root.img\n", 6,
                 "'ide 0x1f0' overlaps 'uart 0x1f0'");
    expect_error(GUEST_HEAD "emulate = pci 00:01.0\ndisk = ide:root.img\n", 6,
                 "'ide 00:01.0' overlaps 'pci 00:01.0'");
}

Test(config_disk, a_pv_partition_gets_virtio_only)
{
    expect_error(GUEST_HEAD "mode = pv\ndisk = ide:root.img\n", 6,
                 "partition 'guest' is not a full partition (mode = full): only those get "
                 "emulated devices (a pv one gets a virtio disk)");
    expect_ok(GUEST_HEAD "mode = pv\ndisk = virtio:root.img\n");
    expect_error(GUEST_HEAD "mode = pv\ndisk = virtio:root.img\nemulate = uart 0x3f8\n", 7,
                 "not a full partition");
}

Test(config_disk, not_for_the_privileged_partition)
{
    expect_error(GUEST_HEAD "mode = pv\nprivileged = yes\ndisk = virtio:root.img\n", 7,
                 "partition 'guest' is the privileged one, which serves the disks of the others");
}

Test(config_disk, ide_is_not_a_model_emulate_names)
{
    expect_error(GUEST_HEAD "emulate = ide 0x1f0\n", 5, "unknown device model 'ide'");
}

Test(config_disk, image_sizes)
{
    cr_expect_null(config_disk_image_problem(512));
    cr_expect_null(config_disk_image_problem(8ull << 20));
    cr_expect_str_eq(config_disk_image_problem(0),
                     "it is empty, and a disk holds at least one 512-byte sector");
    cr_expect_str_eq(config_disk_image_problem(513),
                     "its size is not a whole number of 512-byte sectors");
    cr_expect_str_eq(config_disk_image_problem(511),
                     "its size is not a whole number of 512-byte sectors");
}

/* ---- a range of an ATA disk the privileged partition owns --------------- */

#define DOM0_OWNS_ATA                                                                              \
    "[partition dom0]\ncpus = 0\nmemory = 4M\nimage = dom0.elf\nprivileged = yes\n"                \
    "devices = ata 0x170\n"
#define GUEST_AT_LINE_7 "[partition guest]\ncpus = 1\nmemory = 4M\nimage = guest.elf\n"

Test(config_disk, a_range_of_an_owned_ata_disk)
{
    expect_ok(DOM0_OWNS_ATA GUEST_AT_LINE_7 "disk = virtio:ata 0x170 lba 2048 sectors 16384\n");
    const struct config_disk *disk = &config.partitions[1].disk;
    cr_expect_eq(disk->kind, CONFIG_DISK_VIRTIO);
    cr_expect_str_eq(disk->file, "");
    cr_expect_eq(disk->ata_port, 0x170);
    cr_expect_eq(disk->first_sector, 2048);
    cr_expect_eq(disk->sectors, 16384);
    cr_expect_eq(config.partitions[1].emulated_count, 2);
    /* No file to load for it. */
    cr_expect_eq(config_image_count(&config), 2);
}

Test(config_disk, a_range_needs_all_its_words)
{
    static const char *const bad[] = {
        "ata 0x170",
        "ata 0x170 lba 0",
        "ata 0x170 lba 0 sectors 0",
        "ata 0x170 lba x sectors 8",
        "ata 0x170 sectors 8 lba 0",
        "ata 0x170 lba 0 sectors 8 more",
        "ata 0 lba 0 sectors 8",
    };
    char text[512], message[160];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(text, sizeof(text), DOM0_OWNS_ATA GUEST_AT_LINE_7 "disk = ide:%s\n", bad[i]);
        snprintf(message, sizeof(message),
                 "bad disk '%s'; expected ata PORT lba FIRST sectors COUNT", bad[i]);
        expect_error(text, 11, message);
    }
    expect_error(DOM0_OWNS_ATA GUEST_AT_LINE_7
                 "disk = ide:ata 0x170 lba 281474976710655 sectors 2\n",
                 11, "bad disk 'ata 0x170 lba 281474976710655 se");
}

Test(config_disk, a_range_on_a_disk_nobody_owns)
{
    expect_error(GUEST_HEAD "disk = virtio:ata 0x1f0 lba 0 sectors 8\n", 5,
                 "the disk of partition 'guest' lies on ata 0x1f0, which the privileged "
                 "partition does not own (devices = ata 0x1f0)");
    expect_error(DOM0_OWNS_ATA GUEST_AT_LINE_7 "disk = virtio:ata 0x1f0 lba 0 sectors 8\n", 11,
                 "lies on ata 0x1f0, which the privileged partition does not own");
}

Test(config_disk, ranges_may_not_share_a_sector)
{
    expect_ok(DOM0_OWNS_ATA GUEST_AT_LINE_7
              "disk = virtio:ata 0x170 lba 0 sectors 8\n"
              "[partition two]\ncpus = 2\nmemory = 4M\n"
              "image = two.elf\ndisk = ide:ata 0x170 lba 8 sectors 8\n");
    expect_error(
        DOM0_OWNS_ATA GUEST_AT_LINE_7 "disk = virtio:ata 0x170 lba 0 sectors 8\n"
                                      "[partition two]\ncpus = 2\nmemory = 4M\n"
                                      "image = two.elf\ndisk = ide:ata 0x170 lba 7 sectors 8\n",
        16, "sectors 7-14 of ata 0x170 overlap the disk of partition 'guest' (sectors 0-7)");
}

/* ---- the virtio console --------------------------------------------------- */

Test(config_disk, a_virtio_console_adds_its_function)
{
    expect_ok(GUEST_HEAD "console = virtio\n");
    cr_expect_eq(config.partitions[0].console, CONFIG_CONSOLE_VIRTIO);
    cr_assert_eq(config.partitions[0].emulated_count, 2);
    cr_expect_eq(emulated(0)->space, CONFIG_EMULATED_MMIO);
    cr_expect_eq(emulated(0)->base, 0xc0008000);
    cr_expect_eq(emulated(0)->length, 0x8000);
    cr_expect_eq(emulated(1)->slot, 3);
    expect_emulated_name(0, "virtio-console 0xc0008000");
    expect_emulated_name(1, "virtio-console 00:03.0");
    /* Beside a virtio disk, and in a pv partition too. */
    expect_ok(GUEST_HEAD "mode = pv\ndisk = virtio:data.img\nconsole = virtio\n");
    cr_expect_eq(config.partitions[0].emulated_count, 4);
}

Test(config_disk, a_virtio_console_is_not_the_privileged_partitions)
{
    expect_error(GUEST_HEAD "privileged = yes\nconsole = virtio\n", 6,
                 "partition 'guest' is the privileged one, which serves the virtio consoles of "
                 "the others: it gets none itself");
    expect_error(GUEST_HEAD "emulate = pci 00:03.0\nconsole = virtio\n", 6,
                 "'virtio-console 00:03.0' overlaps 'pci 00:03.0'");
}
