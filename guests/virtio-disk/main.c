/*
 * A full-virtualization guest that drives its virtio disk (the config's
 * `disk = virtio:FILE`, dom0's virtio-blk device) through guests/lib's
 * driver and checks it: 32 blocks written with all 32 requests in flight
 * at once, read back one at a time and compared, a flush, and a read
 * beyond the disk answered with an error. It prints its checks on its
 * debug console and leaves through the isa-debug-exit port.
 *
 * A partition whose name starts with "hostile" first hands the device
 * chains no driver should: a loop, a header outside its RAM, a readable
 * buffer after a writable one, a segment that wraps around, a head out of
 * range, a sector beyond the disk, and at last an available index that
 * runs 1000 entries ahead. The device must answer each bad chain with
 * nothing written (or an error status), and the lie with "needs reset";
 * after a reset the guest's own checks must pass as any guest's do.
 *
 * A partition whose name starts with "verify" writes nothing: it checks
 * that its disk holds the 32 blocks an earlier run of this guest wrote
 * there (a disk that persists across power-off), in the same partition
 * slot (its id seeds the pattern).
 *
 * A partition whose name starts with "bench" measures instead: 4 KiB reads
 * and writes, sequential and random, one request at a time (queue depth 1)
 * and 32 at a time (queue depth 32, one notification for the 32), in TSC
 * ticks per operation (under Bochs: emulated instructions), with the
 * driver's register accesses (each one exit) per operation.
 */
#include <stdbool.h>

#include "arch/x86_64/cpu.h"
#include "guests/lib/console.h"
#include "guests/lib/expect.h"
#include "guests/lib/random.h"
#include "guests/lib/runtime.h"
#include "guests/lib/virtio_blk.h"
#include "include/bulkhead/guest_abi.h"
#include "lib/string.h"
#include "lib/virtio_ring.h"

#define ISA_DEBUG_EXIT 0xf4
#define DEPTH          VIRTIO_BLK_DRIVER_DEPTH
#define BLOCK_SECTORS  (VIRTIO_BLK_BLOCK / 512)
#define BENCH_OPS      128
#define ANSWER_TICKS   400000000ull /* 2 s at Bochs's 200 MHz: dom0 answers long before */
#define NEEDS_RESET    0x40
#define OUTSIDE_RAM    0x7fff00000000ull
#define STATUS_IOERR   1

static uint8_t blocks[DEPTH][VIRTIO_BLK_BLOCK] __attribute__((aligned(4096)));
static uint8_t seed;

static void fill(uint8_t *block, uint32_t number)
{
    for (unsigned i = 0; i < VIRTIO_BLK_BLOCK; i++)
        block[i] = (uint8_t)(number * 31u + i * 7u + seed);
}

static bool holds(const uint8_t *block, uint32_t number)
{
    for (unsigned i = 0; i < VIRTIO_BLK_BLOCK; i++) {
        if (block[i] != (uint8_t)(number * 31u + i * 7u + seed))
            return false;
    }
    return true;
}

static void write_in_flight_and_read_back(void)
{
    unsigned queued = 0, matching = 0;

    for (uint32_t n = 0; n < DEPTH; n++) {
        fill(blocks[n], n);
        queued += virtio_blk_queue((uint64_t)n * BLOCK_SECTORS, blocks[n], true);
    }
    EXPECT_EQ(queued, DEPTH);
    virtio_blk_notify();
    EXPECT_EQ(virtio_blk_wait_all(), 0);
    memset(blocks, 0, sizeof(blocks));
    for (uint32_t n = 0; n < DEPTH; n++) {
        virtio_blk_queue((uint64_t)n * BLOCK_SECTORS, blocks[0], false);
        virtio_blk_notify();
        matching += virtio_blk_wait_all() == 0 && holds(blocks[0], n);
    }
    EXPECT_EQ(matching, DEPTH);
}

/* What write_in_flight_and_read_back wrote, found again without writing. */
static void verify_earlier_writes(void)
{
    unsigned matching = 0;

    for (uint32_t n = 0; n < DEPTH; n++) {
        memset(blocks[0], 0, sizeof(blocks[0]));
        virtio_blk_queue((uint64_t)n * BLOCK_SECTORS, blocks[0], false);
        virtio_blk_notify();
        matching += virtio_blk_wait_all() == 0 && holds(blocks[0], n);
    }
    EXPECT_EQ(matching, DEPTH);
    printf("virtio-disk: %u blocks written earlier hold their pattern\n", matching);
}

static void refusals(void)
{
    EXPECT_TRUE(virtio_blk_flush());
    virtio_blk_queue(virtio_blk_sectors(), blocks[0], false);
    virtio_blk_notify();
    EXPECT_EQ(virtio_blk_wait_all(), 1);
    virtio_blk_queue(virtio_blk_sectors() - BLOCK_SECTORS + 1, blocks[0], false);
    virtio_blk_notify();
    EXPECT_EQ(virtio_blk_wait_all(), 1);
}

static struct {
    uint32_t type, reserved;
    uint64_t sector;
} raw_header;
static volatile uint8_t raw_status;

static uint64_t at(const volatile void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* One bad chain from descriptor 0: the device puts it back with nothing
 * written, or answers with an error status. */
static void expect_refused(const struct virtq_desc *descs, unsigned count)
{
    uint32_t length = ~0u;

    raw_status = 0xee;
    EXPECT_EQ(virtio_blk_raw_request(descs, count, 0, 1, &length, ANSWER_TICKS), 1);
    EXPECT_TRUE(length == 0 || (length == 1 && raw_status == STATUS_IOERR));
}

static void throw_bad_chains(void)
{
    uint64_t header = at(&raw_header), status = at(&raw_status), data = at(blocks[0]);
    uint32_t length;

    raw_header.type = 0; /* a read */
    raw_header.sector = 0;
    const struct virtq_desc loop[] = {{header, 16, VIRTQ_DESC_F_NEXT, 0}};
    expect_refused(loop, 1);
    const struct virtq_desc outside[] = {{OUTSIDE_RAM, 16, VIRTQ_DESC_F_NEXT, 1},
                                         {status, 1, VIRTQ_DESC_F_WRITE, 0}};
    expect_refused(outside, 2);
    const struct virtq_desc order[] = {{header, 16, VIRTQ_DESC_F_NEXT, 1},
                                       {status, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2},
                                       {data, VIRTIO_BLK_BLOCK, 0, 0}};
    expect_refused(order, 3);
    const struct virtq_desc wrapping[] = {
        {header, 16, VIRTQ_DESC_F_NEXT, 1},
        {~0ull - 100, VIRTIO_BLK_BLOCK, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2},
        {status, 1, VIRTQ_DESC_F_WRITE, 0}};
    expect_refused(wrapping, 3);
    raw_header.sector = virtio_blk_sectors();
    const struct virtq_desc beyond[] = {
        {header, 16, VIRTQ_DESC_F_NEXT, 1},
        {data, VIRTIO_BLK_BLOCK, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2},
        {status, 1, VIRTQ_DESC_F_WRITE, 0}};
    expect_refused(beyond, 3);
    /* A head past the table: nothing comes back, not even an entry. */
    EXPECT_EQ(virtio_blk_raw_request(beyond, 3, 500, 1, &length, ANSWER_TICKS / 4), 0);
    virtio_blk_skip_available(1000);
    uint64_t give_up = cpu_rdtsc() + ANSWER_TICKS;
    while (!(virtio_blk_device_status() & NEEDS_RESET) && cpu_rdtsc() < give_up)
        cpu_pause();
    EXPECT_TRUE(virtio_blk_device_status() & NEEDS_RESET);
    printf("virtio-disk: bad chains thrown; the device asks for a reset\n");
    EXPECT_TRUE(virtio_blk_start());
}

static uint32_t random_state = 0x9e3779b9;

static void bench(const char *what, bool write, bool random, unsigned depth)
{
    uint32_t count = (uint32_t)(virtio_blk_sectors() / BLOCK_SECTORS);
    unsigned failed = 0;
    uint64_t accesses = virtio_blk_register_accesses();
    uint64_t start = cpu_rdtsc_ordered();

    for (uint32_t done = 0; done < BENCH_OPS; done += depth) {
        for (unsigned i = 0; i < depth; i++) {
            uint32_t n = random ? random_next(&random_state) % count : (done + i) % count;
            virtio_blk_queue((uint64_t)n * BLOCK_SECTORS, blocks[i], write);
        }
        virtio_blk_notify();
        failed += virtio_blk_wait_all();
    }
    uint64_t ticks = cpu_rdtsc_ordered() - start;
    accesses = virtio_blk_register_accesses() - accesses;
    EXPECT_EQ(failed, 0);
    printf("virtio-disk: bench %s 4KiB qd%u: %u ops, %llu ticks/op, %llu.%02llu register "
           "accesses/op\n",
           what, depth, BENCH_OPS, (unsigned long long)(ticks / BENCH_OPS),
           (unsigned long long)(accesses / BENCH_OPS),
           (unsigned long long)(accesses * 100 / BENCH_OPS % 100));
}

static void run_benchmarks(void)
{
    static const unsigned depths[] = {1, DEPTH};

    for (unsigned d = 0; d < 2; d++) {
        bench("seq-write", true, false, depths[d]);
        bench("seq-read", false, false, depths[d]);
        bench("rand-write", true, true, depths[d]);
        bench("rand-read", false, true, depths[d]);
    }
}

int guest_main(const struct bulkhead_boot_info *info)
{
    seed = (uint8_t)info->partition_id;
    EXPECT_TRUE(virtio_blk_start());
    if (guest_exit_status() == GUEST_STATUS_PASS) {
        printf("virtio-disk: %llu sectors\n", (unsigned long long)virtio_blk_sectors());
        if (strncmp(info->partition_name, "bench", 5) == 0) {
            run_benchmarks();
        } else if (strncmp(info->partition_name, "verify", 6) == 0) {
            verify_earlier_writes();
            refusals();
        } else {
            if (strncmp(info->partition_name, "hostile", 7) == 0)
                throw_bad_chains();
            write_in_flight_and_read_back();
            refusals();
        }
    }
    printf("virtio-disk: done\n");
    int status = guest_exit_status();
    cpu_outb(ISA_DEBUG_EXIT, (uint8_t)status);
    return status;
}
