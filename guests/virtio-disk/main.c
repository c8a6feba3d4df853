/*
 * A full-virtualization guest that drives its virtio disk (the config's
 * `disk = virtio:FILE`, dom0's virtio-blk device) through guests/lib's
 * driver and checks it: 32 blocks written with all 32 requests in flight
 * at once, read back one at a time and compared, a flush, and a read
 * beyond the disk answered with an error. It prints its checks on its
 * debug console and leaves through the isa-debug-exit port.
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
#include "guests/lib/runtime.h"
#include "guests/lib/virtio_blk.h"
#include "include/bulkhead/guest_abi.h"
#include "lib/string.h"

#define ISA_DEBUG_EXIT 0xf4
#define DEPTH          VIRTIO_BLK_DRIVER_DEPTH
#define BLOCK_SECTORS  (VIRTIO_BLK_BLOCK / 512)
#define BENCH_OPS      128

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

static uint32_t random_state = 0x9e3779b9;

static uint32_t next_random(void)
{
    random_state ^= random_state << 13;
    random_state ^= random_state >> 17;
    random_state ^= random_state << 5;
    return random_state;
}

static void bench(const char *what, bool write, bool random, unsigned depth)
{
    uint32_t count = (uint32_t)(virtio_blk_sectors() / BLOCK_SECTORS);
    unsigned failed = 0;
    uint64_t accesses = virtio_blk_register_accesses();
    uint64_t start = cpu_rdtsc_ordered();

    for (uint32_t done = 0; done < BENCH_OPS; done += depth) {
        for (unsigned i = 0; i < depth; i++) {
            uint32_t n = random ? next_random() % count : (done + i) % count;
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
        } else {
            write_in_flight_and_read_back();
            refusals();
        }
    }
    printf("virtio-disk: done\n");
    int status = guest_exit_status();
    cpu_outb(ISA_DEBUG_EXIT, (uint8_t)status);
    return status;
}
