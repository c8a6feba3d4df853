/* dom0's IDE controller for full partitions (guests/dom0/ide_models.c):
 * the PCI function a driver probes, and the channel's registers over a
 * disk whose image is host memory here, as dom0's mapped window is there. */
#include <criterion/criterion.h>
#include <string.h>

#include "guests/dom0/ata.h"
#include "guests/dom0/ata_host.h"
#include "guests/dom0/ide_models.h"
#include "guests/lib/paging.h"

#define SECTORS      64
#define PARTITION    2
#define OTHER        3
#define CMD_READ     0x20
#define CMD_WRITE    0x30
#define CMD_IDENTIFY 0xec
#define STATUS_READY 0x50
#define STATUS_DRQ   0x58
#define STATUS_ERROR 0x51
#define ERROR_IDNF   0x10
#define NO_DEVICE    0xffffffffu

static uint8_t image[SECTORS * ATA_SECTOR_SIZE];
static bool refuse_maps;

/* dom0's page tables are not there on the host: the image is reachable. */
bool map_memory(uint64_t base, uint64_t size)
{
    (void)base, (void)size;
    return !refuse_maps;
}

/* Only images here: a range of an owned ATA disk needs the disk. */
bool ata_host_open_range(const struct guest_disk *disk, struct disk_store *store)
{
    (void)disk, (void)store;
    return false;
}

static struct bulkhead_boot_info info;

static void *state_of(const struct dom0_model *model, uint32_t partition)
{
    return (char *)model->states + partition * model->state_size;
}

static uint32_t read_at(const struct dom0_model *model, unsigned offset, unsigned size)
{
    return model->read(state_of(model, PARTITION), offset, size);
}

static void write_at(const struct dom0_model *model, unsigned offset, uint32_t value, unsigned size)
{
    model->write(state_of(model, PARTITION), PARTITION, offset, value, size);
}

static void attach(void)
{
    for (unsigned i = 0; i < sizeof(image); i++)
        image[i] = (uint8_t)(i / ATA_SECTOR_SIZE);
    info.disk_count = 1;
    info.disks[0] = (struct guest_disk){.partition_id = PARTITION,
                                        .kind = GUEST_DISK_IDE,
                                        .address = (uint64_t)(uintptr_t)image,
                                        .sectors = SECTORS};
    cr_assert_eq(ide_attach_disks(&info), 1);
}

TestSuite(ide_models, .init = attach);

/* LBA28 command with one sector. */
static void command(uint8_t opcode, uint32_t lba)
{
    write_at(&ide_command_model, ATA_REG_COUNT, 1, 1);
    write_at(&ide_command_model, ATA_REG_LBA_LOW, lba & 0xff, 1);
    write_at(&ide_command_model, ATA_REG_LBA_MID, (lba >> 8) & 0xff, 1);
    write_at(&ide_command_model, ATA_REG_LBA_HIGH, (lba >> 16) & 0xff, 1);
    write_at(&ide_command_model, ATA_REG_DEVICE, 0xe0 | (lba >> 24), 1);
    write_at(&ide_command_model, ATA_REG_COMMAND, opcode, 1);
}

Test(ide_models, the_function_is_a_piix3_ide_controller_in_legacy_mode)
{
    cr_expect_eq(read_at(&ide_function_model, 0x00, 4), 0x70108086);
    cr_expect_eq(read_at(&ide_function_model, 0x08, 4), 0x01018000);
    cr_expect_eq(read_at(&ide_function_model, 0x0e, 1), 0x00, "one function, header type 0");
    cr_expect_eq(read_at(&ide_function_model, 0x20, 4), 0, "no bus-master BAR: PIO only");
    cr_expect_eq(read_at(&ide_function_model, 0x40, 2), 0x8000, "primary channel decoded");
    cr_expect_eq(read_at(&ide_function_model, 0x42, 2), 0x0000, "secondary channel off");
}

Test(ide_models, only_the_enables_and_timings_take_writes)
{
    write_at(&ide_function_model, 0x04, 0xffff, 2);
    cr_expect_eq(read_at(&ide_function_model, 0x04, 2), 0x0005);
    write_at(&ide_function_model, 0x00, 0xffffffff, 4);
    cr_expect_eq(read_at(&ide_function_model, 0x00, 4), 0x70108086);
    write_at(&ide_function_model, 0x10, 0xffffffff, 4);
    cr_expect_eq(read_at(&ide_function_model, 0x10, 4), 0, "BARs are fixed at 0: legacy ports");
    write_at(&ide_function_model, 0x40, 0x0000a307, 4);
    cr_expect_eq(read_at(&ide_function_model, 0x40, 4), 0x0000a307);
    write_at(&ide_function_model, 0x40, 0xffff0000, 4);
    cr_expect_eq(read_at(&ide_function_model, 0x40, 4), 0x7fff8000,
                 "the primary stays on, the secondary off");
}

Test(ide_models, identify_through_the_registers)
{
    command(CMD_IDENTIFY, 0);
    cr_assert_eq(read_at(&ide_command_model, ATA_REG_STATUS, 1), STATUS_DRQ);
    uint16_t words[ATA_SECTOR_WORDS];
    for (unsigned i = 0; i < ATA_SECTOR_WORDS; i += 2) {
        uint32_t pair = read_at(&ide_command_model, ATA_REG_DATA, 4);
        words[i] = (uint16_t)pair;
        words[i + 1] = (uint16_t)(pair >> 16);
    }
    cr_expect_eq(words[60] | (uint32_t)words[61] << 16, SECTORS, "LBA28 sectors");
    cr_expect_eq(read_at(&ide_control_model, 0, 1), STATUS_READY);
}

Test(ide_models, a_written_sector_lands_in_the_image)
{
    command(CMD_WRITE, 5);
    for (unsigned i = 0; i < ATA_SECTOR_WORDS; i++)
        write_at(&ide_command_model, ATA_REG_DATA, 0xa000 + i, 2);
    cr_expect_eq(read_at(&ide_command_model, ATA_REG_STATUS, 1), STATUS_READY);
    cr_expect_eq(image[5 * ATA_SECTOR_SIZE], 0x00);
    cr_expect_eq(image[5 * ATA_SECTOR_SIZE + 1], 0xa0);
    cr_expect_eq(image[5 * ATA_SECTOR_SIZE + 511], 0xa0 + 0);
    cr_expect_eq(image[4 * ATA_SECTOR_SIZE + 511], 4, "the sector before is untouched");
    cr_expect_eq(image[6 * ATA_SECTOR_SIZE], 6, "the sector after is untouched");
}

Test(ide_models, a_sector_is_read_from_the_image)
{
    command(CMD_READ, 9);
    cr_assert_eq(read_at(&ide_command_model, ATA_REG_STATUS, 1), STATUS_DRQ);
    cr_expect_eq(read_at(&ide_command_model, ATA_REG_DATA, 2), 0x0909);
}

Test(ide_models, beyond_the_disk_is_refused)
{
    command(CMD_READ, SECTORS);
    cr_expect_eq(read_at(&ide_command_model, ATA_REG_STATUS, 1), STATUS_ERROR);
    cr_expect_eq(read_at(&ide_command_model, ATA_REG_ERROR, 1) & ERROR_IDNF, ERROR_IDNF);
}

Test(ide_models, the_interrupt_line_follows_the_disk)
{
    write_at(&ide_control_model, 0, 0x00, 1); /* nIEN clear */
    command(CMD_READ, 1);
    cr_expect(ide_command_model.interrupt_line(state_of(&ide_command_model, PARTITION)));
    cr_expect(ide_control_model.interrupt_line(state_of(&ide_control_model, PARTITION)),
              "both blocks share the channel");
    read_at(&ide_command_model, ATA_REG_STATUS, 1);
    cr_expect_not(ide_command_model.interrupt_line(state_of(&ide_command_model, PARTITION)));
    cr_expect_eq(ide_command_model.irq, 14);
}

Test(ide_models, a_partition_without_a_disk_sees_no_device)
{
    cr_expect_eq(ide_command_model.read(state_of(&ide_command_model, OTHER), ATA_REG_STATUS, 1),
                 NO_DEVICE);
    ide_command_model.write(state_of(&ide_command_model, OTHER), OTHER, ATA_REG_COMMAND,
                            CMD_IDENTIFY, 1);
    cr_expect_not(ide_command_model.interrupt_line(state_of(&ide_command_model, OTHER)));
}

Test(ide_models, unfit_entries_are_left_out)
{
    struct bulkhead_boot_info bad = {.disk_count = 3};
    bad.disks[0] = (struct guest_disk){.partition_id = 0, .kind = GUEST_DISK_IDE};
    bad.disks[1] = (struct guest_disk){.partition_id = OTHER, .kind = 99};
    bad.disks[2] =
        (struct guest_disk){.partition_id = MODEL_MAX_PARTITION + 1, .kind = GUEST_DISK_IDE};
    cr_expect_eq(ide_attach_disks(&bad), 0);
    refuse_maps = true;
    cr_expect_eq(ide_attach_disks(&info), 0, "an image dom0 cannot map is not served");
    refuse_maps = false;
}
