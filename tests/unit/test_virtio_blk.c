/* dom0's virtio block requests (guests/dom0/virtio_blk.c) through the real
 * virtqueue walker, on a fake guest RAM a driver fills in, against a disk
 * image of DISK_SECTORS sectors in host memory. */
#include <criterion/criterion.h>
#include <string.h>

#include "guests/dom0/virtio_blk.h"

#define RAM_SIZE     0x20000u
#define QUEUE_SIZE   8u
#define DESC         0x1000u
#define AVAIL        0x2000u
#define USED         0x3000u
#define HEADER       0x4000u
#define DATA         0x8000u
#define STATUS       0x5000u
#define DISK_SECTORS 16u

#define FAKE_RAM_SIZE RAM_SIZE
#include "tests/fake_guest_ram.h"

static uint8_t image[DISK_SECTORS * VIRTIO_BLK_SECTOR];
static struct disk_store disk;
static struct virtqueue queue;
static uint16_t avail_idx;

static void setup(void)
{
    static const struct virtqueue_layout layout = {QUEUE_SIZE, DESC, AVAIL, USED};

    memset(fake_ram, 0, sizeof(fake_ram));
    for (unsigned i = 0; i < sizeof(image); i++)
        image[i] = (uint8_t)(i / VIRTIO_BLK_SECTOR + 1);
    disk = disk_store_memory(image, DISK_SECTORS);
    avail_idx = 0;
    cr_assert_eq(virtqueue_setup(&queue, &fake_ram_access, &layout, 1u << 20), VIRTQUEUE_SETUP_OK);
}

TestSuite(virtio_blk, .init = setup);

static void set_desc(uint16_t index, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    struct virtq_desc desc = {addr, len, flags, next};

    memcpy(fake_ram + DESC + 16 * index, &desc, sizeof(desc));
}

/* A request as Linux makes it: header, data (none for length 0), status. */
static void request(uint32_t type, uint64_t sector, uint32_t data_length, bool device_writes)
{
    uint32_t header[4] = {type, 0, (uint32_t)sector, (uint32_t)(sector >> 32)};

    memcpy(fake_ram + HEADER, header, sizeof(header));
    fake_ram[STATUS] = 0xee;
    set_desc(0, HEADER, 16, VIRTQ_DESC_F_NEXT, data_length ? 1 : 2);
    set_desc(1, DATA, data_length, VIRTQ_DESC_F_NEXT | (device_writes ? VIRTQ_DESC_F_WRITE : 0), 2);
    set_desc(2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    uint16_t head = 0;
    memcpy(fake_ram + AVAIL + 4 + 2 * (avail_idx % QUEUE_SIZE), &head, 2);
    avail_idx++;
    memcpy(fake_ram + AVAIL + 2, &avail_idx, 2);
}

static struct virtq_used_elem last_used(void)
{
    uint16_t used_idx;
    struct virtq_used_elem e;

    memcpy(&used_idx, fake_ram + USED + 2, 2);
    cr_assert_gt(used_idx, 0);
    memcpy(&e, fake_ram + USED + 4 + 8 * ((used_idx - 1) % QUEUE_SIZE), sizeof(e));
    return e;
}

static void serve_one(void)
{
    struct virtio_blk_counts counts = virtio_blk_serve(&queue, &disk);

    cr_assert_eq(counts.served + counts.refused, 1);
}

Test(virtio_blk, a_read_copies_sectors_into_the_driver_buffer)
{
    request(VIRTIO_BLK_T_IN, 3, 2 * VIRTIO_BLK_SECTOR, true);
    serve_one();
    cr_expect_eq(fake_ram[STATUS], VIRTIO_BLK_S_OK);
    cr_expect_eq(fake_ram[DATA], 4);
    cr_expect_eq(fake_ram[DATA + VIRTIO_BLK_SECTOR], 5);
    cr_expect_eq(last_used().len, 2 * VIRTIO_BLK_SECTOR + 1, "the data and the status byte");
}

Test(virtio_blk, a_write_lands_in_the_image)
{
    memset(fake_ram + DATA, 0xab, VIRTIO_BLK_SECTOR);
    request(VIRTIO_BLK_T_OUT, 7, VIRTIO_BLK_SECTOR, false);
    serve_one();
    cr_expect_eq(fake_ram[STATUS], VIRTIO_BLK_S_OK);
    cr_expect_eq(image[7 * VIRTIO_BLK_SECTOR], 0xab);
    cr_expect_eq(image[8 * VIRTIO_BLK_SECTOR - 1], 0xab);
    cr_expect_eq(image[8 * VIRTIO_BLK_SECTOR], 9, "the next sector is untouched");
    cr_expect_eq(last_used().len, 1);
}

Test(virtio_blk, beyond_the_disk_is_an_io_error_and_nothing_moves)
{
    memset(fake_ram + DATA, 0xcd, 2 * VIRTIO_BLK_SECTOR);
    request(VIRTIO_BLK_T_OUT, DISK_SECTORS - 1, 2 * VIRTIO_BLK_SECTOR, false);
    serve_one();
    cr_expect_eq(fake_ram[STATUS], VIRTIO_BLK_S_IOERR);
    cr_expect_eq(image[(DISK_SECTORS - 1) * VIRTIO_BLK_SECTOR], DISK_SECTORS);
    request(VIRTIO_BLK_T_IN, ~0ull, VIRTIO_BLK_SECTOR, true);
    serve_one();
    cr_expect_eq(fake_ram[STATUS], VIRTIO_BLK_S_IOERR, "a sector number that would wrap");
}

Test(virtio_blk, part_of_a_sector_is_an_io_error)
{
    request(VIRTIO_BLK_T_IN, 0, 100, true);
    serve_one();
    cr_expect_eq(fake_ram[STATUS], VIRTIO_BLK_S_IOERR);
    cr_expect_eq(last_used().len, 1);
}

Test(virtio_blk, flush_and_get_id)
{
    request(VIRTIO_BLK_T_FLUSH, 0, 0, false);
    serve_one();
    cr_expect_eq(fake_ram[STATUS], VIRTIO_BLK_S_OK);
    request(VIRTIO_BLK_T_GET_ID, 0, VIRTIO_BLK_ID_BYTES, true);
    serve_one();
    cr_expect_eq(fake_ram[STATUS], VIRTIO_BLK_S_OK);
    cr_expect_str_eq((const char *)fake_ram + DATA, "bulkhead-virtio-blk");
}

Test(virtio_blk, an_unknown_type_is_unsupported)
{
    request(0x1234, 0, 0, false);
    serve_one();
    cr_expect_eq(fake_ram[STATUS], VIRTIO_BLK_S_UNSUPP);
}

Test(virtio_blk, a_short_header_is_an_io_error)
{
    request(VIRTIO_BLK_T_IN, 0, 0, false);
    set_desc(0, HEADER, 8, VIRTQ_DESC_F_NEXT, 2);
    serve_one();
    cr_expect_eq(fake_ram[STATUS], VIRTIO_BLK_S_IOERR);
}

Test(virtio_blk, without_a_status_byte_nothing_is_written)
{
    request(VIRTIO_BLK_T_OUT, 0, VIRTIO_BLK_SECTOR, false);
    set_desc(1, DATA, VIRTIO_BLK_SECTOR, 0, 0); /* the chain ends before the status */
    serve_one();
    cr_expect_eq(last_used().len, 0);
    cr_expect_eq(fake_ram[STATUS], 0xee);
}

Test(virtio_blk, a_refused_chain_is_put_with_length_0)
{
    request(VIRTIO_BLK_T_IN, 0, VIRTIO_BLK_SECTOR, true);
    set_desc(2, STATUS, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0); /* a loop */
    struct virtio_blk_counts counts = virtio_blk_serve(&queue, &disk);
    cr_expect_eq(counts.refused, 1);
    cr_expect_eq(last_used().len, 0);
}

/* A disk (an ATA range) has no memory window: its data moves through
 * dom0's buffer, the store's read and write, a piece at a time. */
Test(virtio_blk, a_disk_without_memory_moves_through_the_buffer)
{
    disk.memory = NULL;
    memset(fake_ram + DATA, 0xcd, 2 * VIRTIO_BLK_SECTOR);
    request(VIRTIO_BLK_T_OUT, 5, 2 * VIRTIO_BLK_SECTOR, false);
    serve_one();
    cr_expect_eq(fake_ram[STATUS], VIRTIO_BLK_S_OK);
    cr_expect_eq(image[5 * VIRTIO_BLK_SECTOR], 0xcd);
    cr_expect_eq(image[7 * VIRTIO_BLK_SECTOR - 1], 0xcd);
    cr_expect_eq(image[7 * VIRTIO_BLK_SECTOR], 8, "the next sector is untouched");
    memset(fake_ram + DATA, 0, 2 * VIRTIO_BLK_SECTOR);
    request(VIRTIO_BLK_T_IN, 2, 2 * VIRTIO_BLK_SECTOR, true);
    serve_one();
    cr_expect_eq(fake_ram[STATUS], VIRTIO_BLK_S_OK);
    cr_expect_eq(fake_ram[DATA], 3);
    cr_expect_eq(fake_ram[DATA + 2 * VIRTIO_BLK_SECTOR - 1], 4);
}
