/* dom0's ATA disk model (guests/dom0/ata.c, ata_identify.c), driven as a
 * PIO driver does, on a fake disk held in memory. */
#include <criterion/criterion.h>
#include <string.h>

#include "guests/dom0/ata.h"

#define WINDOW_SECTORS 600
#define DISK_SECTORS   ((1ull << 33) + 1000) /* beyond LBA28 and 32 bits */

#define READ_SECTORS       0x20
#define READ_SECTORS_EXT   0x24
#define READ_MULTIPLE      0xc4
#define READ_MULTIPLE_EXT  0x29
#define WRITE_SECTORS      0x30
#define WRITE_SECTORS_EXT  0x34
#define WRITE_MULTIPLE     0xc5
#define WRITE_MULTIPLE_EXT 0x39
#define READ_VERIFY        0x40
#define READ_VERIFY_EXT    0x42
#define SET_MULTIPLE       0xc6
#define FLUSH_CACHE        0xe7
#define FLUSH_CACHE_EXT    0xea
#define IDENTIFY           0xec
#define IDENTIFY_PACKET    0xa1
#define SET_FEATURES       0xef
#define INITIALIZE_PARAMS  0x91
#define EXECUTE_DIAGNOSTIC 0x90
#define READY              0x50
#define READY_DRQ          0x58

/* The fake disk stores WINDOW_SECTORS sectors from `base` (0 unless a test
 * moves it); other sectors read as a pattern of their LBA, and writes there
 * are refused. */
static struct fake {
    uint64_t base;
    uint8_t sectors[WINDOW_SECTORS][ATA_SECTOR_SIZE];
    bool fail_read, fail_write, fail_flush;
    unsigned reads, writes, flushes;
    uint64_t last_lba;
    uint32_t last_count;
} fake;

static struct ata ata;

static void pattern(uint64_t lba, uint8_t *sector)
{
    for (unsigned i = 0; i < ATA_SECTOR_SIZE; i++)
        sector[i] = (uint8_t)(lba * 7 + i + (lba >> 32));
}

static bool in_window(uint64_t lba)
{
    return lba >= fake.base && lba - fake.base < WINDOW_SECTORS;
}

static bool fake_read(void *context, uint64_t lba, uint32_t count, void *buffer)
{
    cr_assert_eq(context, &fake);
    cr_assert(lba + count <= DISK_SECTORS, "the model checked the range first");
    fake.reads++, fake.last_lba = lba, fake.last_count = count;
    if (fake.fail_read)
        return false;
    for (uint32_t i = 0; i < count; i++) {
        uint8_t *out = (uint8_t *)buffer + i * ATA_SECTOR_SIZE;
        if (in_window(lba + i))
            memcpy(out, fake.sectors[lba + i - fake.base], ATA_SECTOR_SIZE);
        else
            pattern(lba + i, out);
    }
    return true;
}

static bool fake_write(void *context, uint64_t lba, uint32_t count, const void *buffer)
{
    cr_assert_eq(context, &fake);
    fake.writes++, fake.last_lba = lba, fake.last_count = count;
    if (fake.fail_write || !in_window(lba) || !in_window(lba + count - 1))
        return false;
    memcpy(fake.sectors[lba - fake.base], buffer, (size_t)count * ATA_SECTOR_SIZE);
    return true;
}

static bool fake_flush(void *context)
{
    cr_assert_eq(context, &fake);
    fake.flushes++;
    return !fake.fail_flush;
}

static struct ata_disk disk(uint64_t sectors)
{
    return (struct ata_disk){
        .backend = {.read = fake_read, .write = fake_write, .flush = fake_flush, .context = &fake},
        .sectors = sectors,
        .serial = "BH0001",
        .model = "Bulkhead virtual disk",
    };
}

static void setup(void)
{
    memset(&fake, 0, sizeof(fake));
    struct ata_disk d = disk(DISK_SECTORS);
    ata_init(&ata, &d);
}

TestSuite(ata, .init = setup);

static void out(unsigned offset, uint8_t value)
{
    ata_write_register(&ata, offset, value);
}

static uint8_t in(unsigned offset)
{
    return ata_read_register(&ata, offset);
}

static void lba28_command(uint8_t command, uint32_t lba, uint8_t count)
{
    out(ATA_REG_COUNT, count);
    out(ATA_REG_LBA_LOW, (uint8_t)lba);
    out(ATA_REG_LBA_MID, (uint8_t)(lba >> 8));
    out(ATA_REG_LBA_HIGH, (uint8_t)(lba >> 16));
    out(ATA_REG_DEVICE, (uint8_t)(0xe0 | ((lba >> 24) & 0x0f)));
    out(ATA_REG_COMMAND, command);
}

/* LBA48: each register written twice, the high byte first. */
static void lba48_command(uint8_t command, uint64_t lba, uint16_t count)
{
    out(ATA_REG_COUNT, (uint8_t)(count >> 8));
    out(ATA_REG_LBA_LOW, (uint8_t)(lba >> 24));
    out(ATA_REG_LBA_MID, (uint8_t)(lba >> 32));
    out(ATA_REG_LBA_HIGH, (uint8_t)(lba >> 40));
    out(ATA_REG_COUNT, (uint8_t)count);
    out(ATA_REG_LBA_LOW, (uint8_t)lba);
    out(ATA_REG_LBA_MID, (uint8_t)(lba >> 8));
    out(ATA_REG_LBA_HIGH, (uint8_t)(lba >> 16));
    out(ATA_REG_DEVICE, 0xe0);
    out(ATA_REG_COMMAND, command);
}

static void simple_command(uint8_t command, uint8_t features, uint8_t count)
{
    out(ATA_REG_FEATURES, features);
    out(ATA_REG_COUNT, count);
    out(ATA_REG_DEVICE, 0xa0);
    out(ATA_REG_COMMAND, command);
}

static void fill(uint8_t *sectors, unsigned count, uint8_t seed)
{
    for (unsigned i = 0; i < count * ATA_SECTOR_SIZE; i++)
        sectors[i] = (uint8_t)(seed + i * 13 + i / 512);
}

/* A block's words go out as a driver's REP OUTSW does. */
static void send_sectors(const uint8_t *data, unsigned count)
{
    uint16_t words[ATA_SECTOR_WORDS];
    for (unsigned s = 0; s < count; s++) {
        cr_assert_eq(ata_read_alt_status(&ata), READY_DRQ, "DRQ before sector %u", s);
        memcpy(words, data + s * ATA_SECTOR_SIZE, sizeof(words));
        cr_assert_eq(ata_write_data_words(&ata, words, ATA_SECTOR_WORDS), ATA_SECTOR_WORDS);
    }
}

static void receive_sectors(uint8_t *data, unsigned count)
{
    uint16_t words[ATA_SECTOR_WORDS];
    for (unsigned s = 0; s < count; s++) {
        cr_assert_eq(ata_read_alt_status(&ata), READY_DRQ, "DRQ before sector %u", s);
        cr_assert_eq(ata_read_data_words(&ata, words, ATA_SECTOR_WORDS), ATA_SECTOR_WORDS);
        memcpy(data + s * ATA_SECTOR_SIZE, words, sizeof(words));
    }
}

static void expect_error(uint8_t error)
{
    cr_assert_eq(in(ATA_REG_ERROR), error, "error %#x", in(ATA_REG_ERROR));
    cr_assert(ata_interrupt_line(&ata), "an error ends the command with an interrupt");
    cr_assert_eq(in(ATA_REG_STATUS) & ~ATA_STATUS_DF, READY | ATA_STATUS_ERR);
}

/* ---- IDENTIFY ---------------------------------------------------------- */

static uint16_t identify[ATA_SECTOR_WORDS];

static void read_identify(void)
{
    simple_command(IDENTIFY, 0, 0);
    cr_assert(ata_interrupt_line(&ata));
    cr_assert_eq(in(ATA_REG_STATUS), READY_DRQ);
    for (unsigned i = 0; i < ATA_SECTOR_WORDS; i++)
        identify[i] = ata_read_data(&ata);
    cr_assert_eq(in(ATA_REG_STATUS), READY, "DRQ ends with the page");
}

static void string_at(unsigned word, unsigned chars, char *text)
{
    for (unsigned i = 0; i < chars; i += 2) {
        text[i] = (char)(identify[word + i / 2] >> 8);
        text[i + 1] = (char)identify[word + i / 2];
    }
    text[chars] = '\0';
}

Test(ata, identify_names_the_disk_with_swapped_strings)
{
    char text[41];

    read_identify();
    cr_assert_eq(identify[0], 0x0040, "fixed ATA disk");
    string_at(27, 40, text);
    cr_assert_str_eq(text, "Bulkhead virtual disk                   ");
    string_at(10, 20, text);
    cr_assert_str_eq(text, "BH0001              ");
    string_at(23, 8, text);
    cr_assert_str_eq(text, "1.0     ");
}

Test(ata, identify_gives_both_capacities_and_the_features)
{
    read_identify();
    cr_assert_eq(identify[60] | (uint32_t)identify[61] << 16, 0x0fffffff, "LBA28 capped");
    uint64_t lba48 = 0;
    for (unsigned i = 0; i < 4; i++)
        lba48 |= (uint64_t)identify[100 + i] << (16 * i);
    cr_assert_eq(lba48, DISK_SECTORS);
    cr_assert(identify[49] & 0x0200, "LBA");
    cr_assert_eq(identify[49] & 0x0100, 0, "no DMA offered");
    cr_assert_eq(identify[83] & 0xc000, 0x4000, "word 83 valid");
    cr_assert_eq(identify[83] & 0x3400, 0x3400, "48-bit, FLUSH CACHE, FLUSH CACHE EXT");
    cr_assert_eq(identify[86] & 0x3400, 0x3400, "enabled likewise");
    cr_assert_eq(identify[47], 0x8000 | ATA_MAX_MULTIPLE);
    cr_assert_eq(identify[59], 0x0100 | ATA_MAX_MULTIPLE, "multiple mode on at its largest");
    cr_assert_eq(identify[53] & 0x0002, 0x0002, "words 64-70 valid");
    cr_assert_eq(identify[64], 0x0003, "PIO 3 and 4");
    cr_assert_eq(identify[85] & 0x0020, 0x0020, "write cache on");
}

Test(ata, identify_of_a_small_disk_has_its_capacity_in_both_places)
{
    struct ata_disk d = disk(20000);
    ata_init(&ata, &d);
    read_identify();
    cr_assert_eq(identify[60] | (uint32_t)identify[61] << 16, 20000);
    cr_assert_eq(identify[100], 20000);
    cr_assert_eq(identify[101] | identify[102] | identify[103], 0);
    cr_assert_eq(identify[1], 20000 / (16 * 63), "cylinders");
}

Test(ata, identify_checksum_makes_the_page_sum_to_zero)
{
    read_identify();
    uint8_t sum = 0;
    for (unsigned i = 0; i < ATA_SECTOR_WORDS; i++)
        sum = (uint8_t)(sum + (identify[i] & 0xff) + (identify[i] >> 8));
    cr_assert_eq(identify[255] & 0xff, 0xa5);
    cr_assert_eq(sum, 0);
}

Test(ata, identify_reports_the_multiple_setting)
{
    simple_command(SET_MULTIPLE, 0, 8);
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    read_identify();
    cr_assert_eq(identify[59], 0x0108);
}

/* ---- reads and writes ---------------------------------------------------- */

static uint8_t data[300 * ATA_SECTOR_SIZE], back[300 * ATA_SECTOR_SIZE];

Test(ata, lba28_write_then_read_round_trip)
{
    fake.base = 0x0abcd00;
    fill(data, 3, 1);
    lba28_command(WRITE_SECTORS, 0x0abcd10, 3);
    cr_assert_not(ata_interrupt_line(&ata), "the first block is asked for by DRQ alone");
    send_sectors(data, 3);
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    cr_assert_eq(fake.writes, 3);
    cr_assert_eq(memcmp(fake.sectors[0x10], data, 3 * ATA_SECTOR_SIZE), 0);

    lba28_command(READ_SECTORS, 0x0abcd10, 3);
    receive_sectors(back, 3);
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    cr_assert_eq(memcmp(back, data, 3 * ATA_SECTOR_SIZE), 0);
}

Test(ata, lba28_uses_the_device_register_nibble)
{
    lba28_command(READ_SECTORS, 0x0fedcba9, 1);
    cr_assert_eq(fake.last_lba, 0x0fedcba9);
    receive_sectors(back, 1);
    pattern(0x0fedcba9, data);
    cr_assert_eq(memcmp(back, data, ATA_SECTOR_SIZE), 0);
}

Test(ata, lba48_write_then_read_round_trip_above_32_bits)
{
    uint64_t lba = (1ull << 32) + 0x123456;
    fake.base = lba - 4;
    fill(data, 258, 9);
    lba48_command(WRITE_SECTORS_EXT, lba, 258);
    send_sectors(data, 258);
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    cr_assert_eq(memcmp(fake.sectors[4], data, 258 * ATA_SECTOR_SIZE), 0);

    lba48_command(READ_SECTORS_EXT, lba, 258);
    cr_assert_eq(fake.last_lba, lba);
    receive_sectors(back, 258);
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    cr_assert_eq(memcmp(back, data, 258 * ATA_SECTOR_SIZE), 0);
}

Test(ata, each_read_block_raises_an_interrupt_and_the_status_read_clears_it)
{
    lba28_command(READ_SECTORS, 100, 2);
    cr_assert(ata_interrupt_line(&ata));
    cr_assert(ata_read_alt_status(&ata) & ATA_STATUS_DRQ);
    cr_assert(ata_interrupt_line(&ata), "the alternate status leaves it");
    in(ATA_REG_STATUS);
    cr_assert_not(ata_interrupt_line(&ata));
    receive_sectors(back, 1);
    cr_assert(ata_interrupt_line(&ata), "the second block");
    in(ATA_REG_STATUS);
    receive_sectors(back, 1);
    cr_assert_not(ata_interrupt_line(&ata), "data-in ends without one");
    cr_assert_eq(in(ATA_REG_STATUS), READY);
}

Test(ata, each_written_block_raises_an_interrupt)
{
    fill(data, 2, 3);
    lba28_command(WRITE_SECTORS, 5, 2);
    send_sectors(data, 1);
    cr_assert(ata_interrupt_line(&ata), "the next block is asked for");
    in(ATA_REG_STATUS);
    send_sectors(data + ATA_SECTOR_SIZE, 1);
    cr_assert(ata_interrupt_line(&ata), "completion");
    cr_assert_eq(in(ATA_REG_STATUS), READY);
}

Test(ata, lba28_count_zero_moves_256_sectors)
{
    fake.base = 1000;
    fill(data, 256, 5);
    lba28_command(WRITE_SECTORS, 1000, 0);
    send_sectors(data, 256);
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    cr_assert_eq(fake.writes, 256);
    cr_assert_eq(memcmp(fake.sectors[0], data, 256 * ATA_SECTOR_SIZE), 0);
}

Test(ata, lba48_count_zero_means_65536_sectors)
{
    struct ata_disk d = disk(70000);
    ata_init(&ata, &d);
    lba48_command(READ_SECTORS_EXT, 70000 - 65535, 0);
    expect_error(ATA_ERROR_IDNF);
    lba48_command(READ_SECTORS_EXT, 70000 - 65536, 0);
    cr_assert_eq(in(ATA_REG_STATUS), READY_DRQ, "exactly to the end");
}

/* ---- multiple mode ------------------------------------------------------- */

Test(ata, read_multiple_moves_blocks_of_the_multiple_count)
{
    simple_command(SET_MULTIPLE, 0, 4);
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    lba28_command(READ_MULTIPLE, 800, 10);
    cr_assert_eq(fake.last_count, 4);
    in(ATA_REG_STATUS);
    receive_sectors(back, 4);
    cr_assert(ata_interrupt_line(&ata), "one interrupt a block");
    cr_assert_eq(fake.last_count, 4);
    in(ATA_REG_STATUS);
    receive_sectors(back + 4 * ATA_SECTOR_SIZE, 3);
    cr_assert_not(ata_interrupt_line(&ata), "none inside a block");
    receive_sectors(back + 7 * ATA_SECTOR_SIZE, 3);
    cr_assert_eq(fake.last_count, 2, "the last block is shorter");
    cr_assert_eq(fake.reads, 3);
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    for (unsigned s = 0; s < 10; s++) {
        pattern(800 + s, data);
        cr_assert_eq(memcmp(back + s * ATA_SECTOR_SIZE, data, ATA_SECTOR_SIZE), 0);
    }
}

Test(ata, multiple_mode_is_on_from_power_on_and_kept_by_a_reset)
{
    ata_write_device_control(&ata, ATA_CONTROL_SRST);
    ata_write_device_control(&ata, 0);
    lba28_command(READ_MULTIPLE, 0, 20);
    cr_assert_eq(fake.last_count, ATA_MAX_MULTIPLE);
}

Test(ata, write_multiple_ext_round_trip)
{
    uint64_t lba = (1ull << 27) + 7;
    fake.base = lba;
    fill(data, 40, 11);
    lba48_command(WRITE_MULTIPLE_EXT, lba, 40);
    send_sectors(data, 40);
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    cr_assert_eq(fake.writes, 3, "16 + 16 + 8");
    lba48_command(READ_MULTIPLE_EXT, lba, 40);
    receive_sectors(back, 40);
    cr_assert_eq(memcmp(back, data, 40 * ATA_SECTOR_SIZE), 0);
    simple_command(SET_MULTIPLE, 0, 2);
    lba28_command(WRITE_MULTIPLE, (uint32_t)lba, 3);
    send_sectors(data, 3);
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    cr_assert_eq(fake.writes, 5, "2 + 1");
}

Test(ata, multiple_commands_abort_without_multiple_mode)
{
    simple_command(SET_MULTIPLE, 0, 0);
    lba28_command(READ_MULTIPLE, 0, 1);
    expect_error(ATA_ERROR_ABRT);
    lba28_command(WRITE_MULTIPLE, 0, 1);
    expect_error(ATA_ERROR_ABRT);
    cr_assert_eq(fake.reads + fake.writes, 0);
}

Test(ata, set_multiple_takes_powers_of_two_up_to_the_maximum)
{
    simple_command(SET_MULTIPLE, 0, 3);
    expect_error(ATA_ERROR_ABRT);
    simple_command(SET_MULTIPLE, 0, 32);
    expect_error(ATA_ERROR_ABRT);
    simple_command(SET_MULTIPLE, 0, 16);
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    simple_command(SET_MULTIPLE, 0, 0);
    cr_assert_eq(in(ATA_REG_STATUS), READY, "0 turns it off");
    lba28_command(READ_MULTIPLE, 0, 1);
    expect_error(ATA_ERROR_ABRT);
}

/* ---- bounds and errors --------------------------------------------------- */

Test(ata, an_access_past_the_end_aborts_with_idnf_before_the_backend)
{
    struct ata_disk d = disk(1000);
    ata_init(&ata, &d);
    lba28_command(READ_SECTORS, 999, 2);
    expect_error(ATA_ERROR_IDNF);
    lba28_command(WRITE_SECTORS, 1000, 1);
    expect_error(ATA_ERROR_IDNF);
    lba48_command(READ_SECTORS_EXT, 1ull << 40, 1);
    expect_error(ATA_ERROR_IDNF);
    lba48_command(READ_VERIFY_EXT, 990, 11);
    expect_error(ATA_ERROR_IDNF);
    cr_assert_eq(fake.reads + fake.writes, 0);
    lba28_command(READ_SECTORS, 999, 1);
    cr_assert_eq(in(ATA_REG_STATUS), READY_DRQ, "the last sector is inside");
}

Test(ata, unknown_commands_abort)
{
    simple_command(IDENTIFY_PACKET, 0, 0);
    expect_error(ATA_ERROR_ABRT);
    simple_command(0x00, 0, 0);
    expect_error(ATA_ERROR_ABRT);
    simple_command(0xc8, 0, 1); /* READ DMA: no DMA here */
    expect_error(ATA_ERROR_ABRT);
    simple_command(READ_VERIFY, 0, 1);
    cr_assert_eq(in(ATA_REG_STATUS), READY, "the next command starts clean");
    cr_assert_eq(in(ATA_REG_ERROR), 0);
}

Test(ata, a_failed_read_reports_unc_and_the_sector)
{
    fake.fail_read = true;
    lba28_command(READ_SECTORS, 0x0123456, 1);
    expect_error(ATA_ERROR_UNC);
    cr_assert_eq(in(ATA_REG_LBA_LOW), 0x56);
    cr_assert_eq(in(ATA_REG_LBA_MID), 0x34);
    cr_assert_eq(in(ATA_REG_LBA_HIGH), 0x12);
    cr_assert_eq(in(ATA_REG_DEVICE)&0x0f, 0);
    cr_assert_eq(ata_read_data(&ata), 0xffff, "no data");
}

Test(ata, a_read_failing_mid_command_names_the_failed_sector)
{
    lba48_command(READ_SECTORS_EXT, (1ull << 32) + 2, 3);
    receive_sectors(back, 1);
    fake.fail_read = true;
    in(ATA_REG_STATUS);
    receive_sectors(back, 1);
    expect_error(ATA_ERROR_UNC);
    cr_assert_eq(in(ATA_REG_LBA_LOW), 4);
    ata_write_device_control(&ata, ATA_CONTROL_HOB);
    cr_assert_eq(in(ATA_REG_LBA_LOW), 0, "bits 24-31");
    cr_assert_eq(in(ATA_REG_LBA_MID), 1, "bits 32-39");
}

Test(ata, a_failed_write_or_flush_is_a_device_fault)
{
    fill(data, 1, 2);
    fake.fail_write = true;
    lba28_command(WRITE_SECTORS, 0, 1);
    send_sectors(data, 1);
    cr_assert(ata_read_alt_status(&ata) & ATA_STATUS_DF);
    expect_error(ATA_ERROR_ABRT);
    fake.fail_flush = true;
    simple_command(FLUSH_CACHE_EXT, 0, 0);
    cr_assert(ata_read_alt_status(&ata) & ATA_STATUS_DF);
    expect_error(ATA_ERROR_ABRT);
    fake.fail_flush = false;
    simple_command(FLUSH_CACHE, 0, 0);
    cr_assert_eq(in(ATA_REG_STATUS), READY, "DF lasts until the next command");
    cr_assert_eq(fake.flushes, 2);
}

Test(ata, read_verify_reads_without_transferring)
{
    lba28_command(READ_VERIFY, 50, 40);
    cr_assert(ata_interrupt_line(&ata));
    cr_assert_eq(in(ATA_REG_STATUS), READY, "no DRQ");
    cr_assert_eq(fake.reads, 3, "16 + 16 + 8");
    fake.fail_read = true;
    lba28_command(READ_VERIFY, 50, 1);
    expect_error(ATA_ERROR_UNC);
}

/* ---- settings ------------------------------------------------------------- */

Test(ata, set_features_takes_pio_modes_and_cache_switches)
{
    simple_command(SET_FEATURES, 0x03, 0x0c); /* PIO 4 */
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    simple_command(SET_FEATURES, 0x03, 0x01);
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    simple_command(SET_FEATURES, 0x03, 0x45); /* UDMA 5 */
    expect_error(ATA_ERROR_ABRT);
    simple_command(SET_FEATURES, 0x10, 0); /* not offered */
    expect_error(ATA_ERROR_ABRT);
    simple_command(SET_FEATURES, 0x82, 0);
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    read_identify();
    cr_assert_eq(identify[85] & 0x0020, 0, "write cache off");
}

Test(ata, with_the_write_cache_off_every_block_is_flushed)
{
    fill(data, 2, 4);
    lba28_command(WRITE_SECTORS, 0, 2);
    send_sectors(data, 2);
    cr_assert_eq(fake.flushes, 0);
    simple_command(SET_FEATURES, 0x82, 0);
    lba28_command(WRITE_SECTORS, 0, 2);
    send_sectors(data, 2);
    cr_assert_eq(fake.flushes, 2);
}

Test(ata, chs_addressing_follows_initialize_device_parameters)
{
    out(ATA_REG_COUNT, 32);        /* sectors per track */
    out(ATA_REG_DEVICE, 0xa0 | 7); /* 8 heads */
    out(ATA_REG_COMMAND, INITIALIZE_PARAMS);
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    out(ATA_REG_COUNT, 1);
    out(ATA_REG_LBA_LOW, 5); /* sector */
    out(ATA_REG_LBA_MID, 2); /* cylinder */
    out(ATA_REG_LBA_HIGH, 0);
    out(ATA_REG_DEVICE, 0xa0 | 3); /* head */
    out(ATA_REG_COMMAND, READ_SECTORS);
    cr_assert_eq(fake.last_lba, (2 * 8 + 3) * 32 + 4);
    out(ATA_REG_LBA_LOW, 33);
    out(ATA_REG_COMMAND, READ_SECTORS);
    expect_error(ATA_ERROR_IDNF);
    read_identify();
    cr_assert_eq(identify[55], 8);
    cr_assert_eq(identify[56], 32);
}

/* ---- registers, reset and the absent device ------------------------------- */

Test(ata, power_on_shows_the_signature)
{
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    cr_assert_eq(in(ATA_REG_ERROR), 0x01);
    cr_assert_eq(in(ATA_REG_COUNT), 1);
    cr_assert_eq(in(ATA_REG_LBA_LOW), 1);
    cr_assert_eq(in(ATA_REG_LBA_MID), 0);
    cr_assert_eq(in(ATA_REG_LBA_HIGH), 0);
    cr_assert_not(ata_interrupt_line(&ata));
}

Test(ata, soft_reset_stops_a_transfer_and_restores_the_signature)
{
    lba28_command(READ_SECTORS, 0x0102030, 4);
    ata_write_device_control(&ata, ATA_CONTROL_SRST);
    cr_assert_eq(ata_read_alt_status(&ata), ATA_STATUS_BSY);
    cr_assert_eq(in(ATA_REG_LBA_MID), ATA_STATUS_BSY, "while BSY, every register is status");
    cr_assert_not(ata_interrupt_line(&ata));
    ata_write_device_control(&ata, 0);
    cr_assert_eq(ata_read_alt_status(&ata), READY, "no DRQ left");
    cr_assert_not(ata_interrupt_line(&ata), "reset raises no interrupt");
    cr_assert_eq(in(ATA_REG_ERROR), 0x01, "diagnostic passed");
    cr_assert_eq(in(ATA_REG_COUNT), 1);
    cr_assert_eq(in(ATA_REG_LBA_LOW), 1);
    cr_assert_eq(in(ATA_REG_LBA_MID), 0);
    cr_assert_eq(in(ATA_REG_LBA_HIGH), 0);
    cr_assert_eq(in(ATA_REG_DEVICE), 0);
    cr_assert_eq(ata_read_data(&ata), 0xffff);
}

Test(ata, execute_diagnostic_answers_with_the_signature_and_an_interrupt)
{
    lba28_command(READ_VERIFY, 77, 1);
    in(ATA_REG_STATUS);
    out(ATA_REG_DEVICE, 0xb0);
    out(ATA_REG_COMMAND, EXECUTE_DIAGNOSTIC);
    cr_assert_eq(in(ATA_REG_DEVICE), 0, "device 0 selected again");
    cr_assert(ata_interrupt_line(&ata));
    cr_assert_eq(in(ATA_REG_ERROR), 0x01);
    cr_assert_eq(in(ATA_REG_LBA_LOW), 1);
    cr_assert_eq(in(ATA_REG_STATUS), READY);
}

Test(ata, nien_masks_the_line_but_not_the_pending_interrupt)
{
    ata_write_device_control(&ata, ATA_CONTROL_NIEN);
    simple_command(FLUSH_CACHE, 0, 0);
    cr_assert_not(ata_interrupt_line(&ata));
    ata_write_device_control(&ata, 0);
    cr_assert(ata_interrupt_line(&ata), "still pending");
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    cr_assert_not(ata_interrupt_line(&ata));
    simple_command(FLUSH_CACHE, 0, 0);
    lba28_command(WRITE_SECTORS, 0, 1);
    cr_assert_not(ata_interrupt_line(&ata), "a new command acknowledges the old one");
}

Test(ata, hob_reads_back_the_first_writes)
{
    out(ATA_REG_COUNT, 0x12);
    out(ATA_REG_COUNT, 0x34);
    out(ATA_REG_LBA_HIGH, 0x56);
    out(ATA_REG_LBA_HIGH, 0x78);
    cr_assert_eq(in(ATA_REG_COUNT), 0x34);
    ata_write_device_control(&ata, ATA_CONTROL_HOB);
    cr_assert_eq(in(ATA_REG_COUNT), 0x12);
    cr_assert_eq(in(ATA_REG_LBA_HIGH), 0x56);
    out(ATA_REG_DEVICE, 0xe0);
    cr_assert_eq(in(ATA_REG_COUNT), 0x34, "a register write ends HOB read-back");
}

Test(ata, the_absent_device_1_reads_zero_and_runs_nothing)
{
    simple_command(FLUSH_CACHE, 0, 0);
    cr_assert(ata_interrupt_line(&ata));
    out(ATA_REG_DEVICE, 0xb0);
    cr_assert_eq(in(ATA_REG_DEVICE), 0xb0);
    cr_assert_not(ata_interrupt_line(&ata), "device 0 releases INTRQ when unselected");
    cr_assert_eq(in(ATA_REG_STATUS), 0);
    cr_assert_eq(ata_read_alt_status(&ata), 0);
    out(ATA_REG_COUNT, 0x55);
    out(ATA_REG_LBA_LOW, 0xaa);
    cr_assert_eq(in(ATA_REG_COUNT), 0, "no register echoes a pattern");
    cr_assert_eq(in(ATA_REG_LBA_LOW), 0);
    cr_assert_eq(in(ATA_REG_ERROR), 0);
    out(ATA_REG_COMMAND, IDENTIFY);
    cr_assert_eq(ata_read_alt_status(&ata), 0);
    out(ATA_REG_DEVICE, 0xa0);
    cr_assert(ata_interrupt_line(&ata), "device 0's interrupt was not acknowledged");
    cr_assert_eq(in(ATA_REG_STATUS), READY, "IDENTIFY never reached device 0");
}

/* ---- the data register ---------------------------------------------------- */

Test(ata, a_sector_at_once_matches_word_by_word)
{
    uint16_t batch[ATA_SECTOR_WORDS];

    lba28_command(READ_SECTORS, 721, 2);
    for (unsigned i = 0; i < ATA_SECTOR_WORDS; i++)
        batch[i] = ata_read_data(&ata);
    pattern(721, data);
    cr_assert_eq(memcmp(batch, data, ATA_SECTOR_SIZE), 0);
    cr_assert_eq(ata_read_data_words(&ata, batch, ATA_SECTOR_WORDS), ATA_SECTOR_WORDS);
    pattern(722, data);
    cr_assert_eq(memcmp(batch, data, ATA_SECTOR_SIZE), 0);
}

Test(ata, a_batch_stops_where_the_data_ends)
{
    uint16_t words[ATA_SECTOR_WORDS + 4];

    lba28_command(READ_SECTORS, 9, 1);
    cr_assert_eq(ata_read_data_words(&ata, words, ATA_SECTOR_WORDS + 4), ATA_SECTOR_WORDS);
    cr_assert_eq(words[ATA_SECTOR_WORDS], 0xffff);
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    lba28_command(WRITE_SECTORS, 0, 1);
    cr_assert_eq(ata_write_data_words(&ata, words, ATA_SECTOR_WORDS + 4), ATA_SECTOR_WORDS);
    cr_assert_eq(fake.writes, 1);
}

Test(ata, a_batch_crosses_blocks_as_single_words_would)
{
    uint16_t words[3 * ATA_SECTOR_WORDS];

    lba28_command(READ_SECTORS, 640, 3);
    cr_assert_eq(ata_read_data_words(&ata, words, 3 * ATA_SECTOR_WORDS), 3 * ATA_SECTOR_WORDS);
    for (unsigned s = 0; s < 3; s++) {
        pattern(640 + s, data);
        cr_assert_eq(memcmp(&words[s * ATA_SECTOR_WORDS], data, ATA_SECTOR_SIZE), 0);
    }
}

Test(ata, dword_accesses_are_two_words)
{
    fill(data, 1, 8);
    lba28_command(WRITE_SECTORS, 2, 1);
    for (unsigned i = 0; i < ATA_SECTOR_SIZE; i += 4) {
        uint32_t dword;
        memcpy(&dword, &data[i], 4);
        ata_write_data32(&ata, dword);
    }
    cr_assert_eq(in(ATA_REG_STATUS), READY);
    lba28_command(READ_SECTORS, 2, 1);
    for (unsigned i = 0; i < ATA_SECTOR_SIZE; i += 4) {
        uint32_t dword = ata_read_data32(&ata);
        memcpy(&back[i], &dword, 4);
    }
    cr_assert_eq(memcmp(back, data, ATA_SECTOR_SIZE), 0);
    cr_assert_eq(memcmp(fake.sectors[2], data, ATA_SECTOR_SIZE), 0);
}

/* ---- a driver's probe ----------------------------------------------------- */

/* The shadow-register test: a present device keeps the patterns written. */
static bool device_echoes_patterns(unsigned device)
{
    out(ATA_REG_DEVICE, (uint8_t)(0xa0 | device << 4));
    out(ATA_REG_COUNT, 0x55);
    out(ATA_REG_LBA_LOW, 0xaa);
    out(ATA_REG_COUNT, 0xaa);
    out(ATA_REG_LBA_LOW, 0x55);
    out(ATA_REG_COUNT, 0x55);
    out(ATA_REG_LBA_LOW, 0xaa);
    return in(ATA_REG_COUNT) == 0x55 && in(ATA_REG_LBA_LOW) == 0xaa;
}

Test(ata, a_probe_finds_one_ata_disk_and_no_device_1)
{
    cr_assert(device_echoes_patterns(0));
    cr_assert_not(device_echoes_patterns(1));
    ata_write_device_control(&ata, 0x08 | ATA_CONTROL_SRST);
    ata_write_device_control(&ata, 0x08);
    cr_assert_eq(ata_read_alt_status(&ata) & ATA_STATUS_BSY, 0);
    out(ATA_REG_DEVICE, 0xa0);
    cr_assert_eq(in(ATA_REG_ERROR), 0x01, "device 0 passed");
    cr_assert_eq(in(ATA_REG_LBA_MID) | in(ATA_REG_LBA_HIGH), 0, "an ATA disk, not ATAPI");
    cr_assert_neq(in(ATA_REG_STATUS), 0);
    out(ATA_REG_DEVICE, 0xb0);
    cr_assert_eq(in(ATA_REG_STATUS), 0, "no device 1");
    out(ATA_REG_DEVICE, 0xa0);
    read_identify();
    cr_assert_eq(identify[0] & 0x8000, 0, "ATA");
}
