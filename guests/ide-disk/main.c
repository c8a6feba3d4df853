/*
 * A full-virtualization guest that drives its IDE disk (the config's
 * `disk = ide:FILE`: dom0's PIIX controller and ATA disk) as a PIO driver
 * does and checks what the disk answers: IDENTIFY, sectors written with
 * REP OUTSW and read back with REP INSW, an LBA48 read, a range beyond the
 * disk refused (IDNF), an unknown command aborted. It prints its checks on
 * its debug console and leaves through the isa-debug-exit port.
 *
 * A partition whose name starts with "hostile" first throws garbage at the
 * channel (random registers, commands, string transfers of any length,
 * resets in the middle of transfers), then must find its own disk working
 * after a software reset. Its neighbour's disk and dom0 must not notice.
 *
 * A partition whose name starts with "verify" writes nothing: it checks
 * that its disk holds the sectors an earlier run of this guest wrote there
 * (a disk that persists across power-off), in the same partition slot
 * (its id seeds the pattern).
 *
 * A partition whose name starts with "bench" measures instead: 4 KiB reads
 * and writes (one command of 8 sectors, moved by one REP INSW/OUTSW),
 * sequential and at random places, one at a time (IDE has no queue), in
 * TSC ticks per operation (under Bochs: emulated instructions), with the
 * port accesses, each one exit, that one operation makes.
 */
#include <stdbool.h>

#include "arch/x86_64/cpu.h"
#include "guests/lib/console.h"
#include "guests/lib/expect.h"
#include "guests/lib/random.h"
#include "guests/lib/runtime.h"
#include "include/bulkhead/guest_abi.h"
#include "lib/string.h"

#define DATA           0x1f0
#define ERROR          0x1f1
#define COUNT          0x1f2
#define LBA_LOW        0x1f3
#define LBA_MID        0x1f4
#define LBA_HIGH       0x1f5
#define DEVICE         0x1f6
#define COMMAND        0x1f7 /* STATUS when read */
#define CONTROL        0x3f6 /* ALTERNATE STATUS when read */
#define ISA_DEBUG_EXIT 0xf4

#define STATUS_ERR   0x01
#define STATUS_DRQ   0x08
#define STATUS_DSC   0x10
#define STATUS_DRDY  0x40
#define STATUS_BSY   0x80
#define ERROR_ABRT   0x04
#define ERROR_IDNF   0x10
#define CONTROL_NIEN 0x02
#define CONTROL_SRST 0x04
#define DEVICE_LBA   0xe0

#define CMD_READ_SECTORS     0x20
#define CMD_READ_SECTORS_EXT 0x24
#define CMD_WRITE_SECTORS    0x30
#define CMD_IDENTIFY         0xec
#define CMD_UNKNOWN          0x01 /* CFA request extended error: not a command of this disk */

#define SECTOR_WORDS  256
#define BENCH_SECTORS 8 /* 4 KiB */
#define BENCH_OPS     128
/* Per operation: device, count, three address bytes, command, the status
 * read before and after the data, one string transfer. */
#define BENCH_PORT_ACCESSES 9
#define SECTORS_CHECKED     32
#define GARBAGE_ROUNDS      3000

static uint16_t buffer[8 * SECTOR_WORDS];
static uint64_t disk_sectors;
static uint8_t seed; /* makes each partition's pattern its own */

static uint8_t wait_not_busy(void)
{
    uint8_t status;

    while ((status = cpu_inb(COMMAND)) & STATUS_BSY)
        cpu_pause();
    return status;
}

static void select_lba28(uint32_t lba, uint8_t count)
{
    cpu_outb(DEVICE, DEVICE_LBA | (lba >> 24 & 0x0f));
    cpu_outb(COUNT, count);
    cpu_outb(LBA_LOW, (uint8_t)lba);
    cpu_outb(LBA_MID, (uint8_t)(lba >> 8));
    cpu_outb(LBA_HIGH, (uint8_t)(lba >> 16));
}

/* Runs a command that reads one sector into buffer; returns the status. */
static uint8_t read_one(uint8_t command)
{
    cpu_outb(COMMAND, command);
    uint8_t status = wait_not_busy();
    if ((status & (STATUS_DRQ | STATUS_ERR)) == STATUS_DRQ)
        cpu_rep_insw(DATA, buffer, SECTOR_WORDS);
    return status;
}

static void fill_pattern(uint32_t lba)
{
    for (unsigned i = 0; i < SECTOR_WORDS; i++)
        buffer[i] = (uint16_t)(lba * 1021u + i * 7u + seed);
}

static bool holds_pattern(uint32_t lba)
{
    for (unsigned i = 0; i < SECTOR_WORDS; i++) {
        if (buffer[i] != (uint16_t)(lba * 1021u + i * 7u + seed))
            return false;
    }
    return true;
}

static bool write_sector(uint32_t lba)
{
    select_lba28(lba, 1);
    cpu_outb(COMMAND, CMD_WRITE_SECTORS);
    if ((wait_not_busy() & (STATUS_DRQ | STATUS_ERR)) != STATUS_DRQ)
        return false;
    fill_pattern(lba);
    cpu_rep_outsw(DATA, buffer, SECTOR_WORDS);
    return (wait_not_busy() & (STATUS_ERR | STATUS_DRQ)) == 0;
}

static bool sector_holds_pattern(uint32_t lba)
{
    select_lba28(lba, 1);
    return read_one(CMD_READ_SECTORS) == (STATUS_DRDY | STATUS_DSC | STATUS_DRQ) &&
           holds_pattern(lba);
}

static void identify(void)
{
    cpu_outb(DEVICE, DEVICE_LBA);
    EXPECT_EQ(read_one(CMD_IDENTIFY) & (STATUS_DRQ | STATUS_ERR), STATUS_DRQ);
    disk_sectors = buffer[60] | (uint32_t)buffer[61] << 16;
    EXPECT_TRUE(disk_sectors >= SECTORS_CHECKED + 1);
    EXPECT_TRUE(buffer[83] & (1u << 10)); /* LBA48 */
    printf("ide-disk: IDENTIFY: %u sectors\n", (unsigned)disk_sectors);
}

static void write_and_read_back(void)
{
    unsigned written = 0, matching = 0;

    for (uint32_t lba = 0; lba < SECTORS_CHECKED; lba++)
        written += write_sector(lba);
    for (uint32_t lba = 0; lba < SECTORS_CHECKED; lba++)
        matching += sector_holds_pattern(lba);
    EXPECT_EQ(written, SECTORS_CHECKED);
    EXPECT_EQ(matching, SECTORS_CHECKED);
}

/* The last sector through LBA48: its address written twice, high then low. */
static void read_lba48(void)
{
    uint32_t last = (uint32_t)disk_sectors - 1;

    cpu_outb(DEVICE, DEVICE_LBA);
    cpu_outb(COUNT, 0);
    cpu_outb(COUNT, 1);
    cpu_outb(LBA_LOW, (uint8_t)(last >> 24));
    cpu_outb(LBA_LOW, (uint8_t)last);
    cpu_outb(LBA_MID, 0);
    cpu_outb(LBA_MID, (uint8_t)(last >> 8));
    cpu_outb(LBA_HIGH, 0);
    cpu_outb(LBA_HIGH, (uint8_t)(last >> 16));
    EXPECT_EQ(read_one(CMD_READ_SECTORS_EXT) & (STATUS_DRQ | STATUS_ERR), STATUS_DRQ);
}

static void refusals(void)
{
    select_lba28((uint32_t)disk_sectors, 1);
    EXPECT_EQ(read_one(CMD_READ_SECTORS) & STATUS_ERR, STATUS_ERR);
    EXPECT_EQ(cpu_inb(ERROR) & ERROR_IDNF, ERROR_IDNF);
    select_lba28((uint32_t)disk_sectors - 1, 2); /* runs one past the end */
    EXPECT_EQ(read_one(CMD_READ_SECTORS) & STATUS_ERR, STATUS_ERR);
    EXPECT_EQ(read_one(CMD_UNKNOWN) & STATUS_ERR, STATUS_ERR);
    EXPECT_EQ(cpu_inb(ERROR) & ERROR_ABRT, ERROR_ABRT);
}

static uint32_t random_state = 0x2545f491;

static const uint16_t channel_ports[] = {DATA,     ERROR,  COUNT,   LBA_LOW, LBA_MID,
                                         LBA_HIGH, DEVICE, COMMAND, CONTROL};

static void garbage_round(void)
{
    uint32_t r = random_next(&random_state);
    uint16_t port = channel_ports[r % (sizeof(channel_ports) / sizeof(channel_ports[0]))];
    uint64_t words = (r >> 8) % (sizeof(buffer) / 2 + 1);

    switch ((r >> 20) % 6) {
    case 0:
        cpu_outb(port, (uint8_t)(r >> 24));
        break;
    case 1:
        (void)cpu_inb(port);
        break;
    case 2:
        cpu_rep_insw(port, buffer, words);
        break;
    case 3:
        cpu_rep_outsw(port, buffer, words);
        break;
    case 4: /* a real command at a random address, most of them beyond the disk */
        select_lba28(r, (uint8_t)(r >> 4));
        cpu_outb(COMMAND, (r & 1) ? CMD_WRITE_SECTORS : CMD_READ_SECTORS);
        break;
    default:
        cpu_outl(port, r);
        break;
    }
}

static void throw_garbage(void)
{
    for (unsigned i = 0; i < GARBAGE_ROUNDS; i++)
        garbage_round();
    printf("ide-disk: %u rounds of garbage thrown at the channel\n", GARBAGE_ROUNDS);
    cpu_outb(CONTROL, CONTROL_SRST | CONTROL_NIEN);
    cpu_outb(CONTROL, CONTROL_NIEN);
    wait_not_busy();
}

/* One 4 KiB read or write at lba; false when the disk refused it. */
static bool transfer_4k(uint32_t lba, bool write)
{
    select_lba28(lba, BENCH_SECTORS);
    cpu_outb(COMMAND, write ? CMD_WRITE_SECTORS : CMD_READ_SECTORS);
    if ((wait_not_busy() & (STATUS_DRQ | STATUS_ERR)) != STATUS_DRQ)
        return false;
    if (write)
        cpu_rep_outsw(DATA, buffer, BENCH_SECTORS * SECTOR_WORDS);
    else
        cpu_rep_insw(DATA, buffer, BENCH_SECTORS * SECTOR_WORDS);
    return (wait_not_busy() & (STATUS_ERR | STATUS_DRQ)) == 0;
}

static void bench(const char *what, bool write, bool random)
{
    uint32_t blocks = (uint32_t)(disk_sectors / BENCH_SECTORS);
    unsigned done = 0;
    uint64_t start = cpu_rdtsc_ordered();

    for (uint32_t i = 0; i < BENCH_OPS; i++) {
        uint32_t block = random ? random_next(&random_state) % blocks : i % blocks;
        done += transfer_4k(block * BENCH_SECTORS, write);
    }
    uint64_t ticks = cpu_rdtsc_ordered() - start;
    EXPECT_EQ(done, BENCH_OPS);
    printf("ide-disk: bench %s 4KiB qd1: %u ops, %llu ticks/op, %u port accesses/op\n", what,
           BENCH_OPS, (unsigned long long)(ticks / BENCH_OPS), BENCH_PORT_ACCESSES);
}

static void run_benchmarks(void)
{
    identify();
    bench("seq-write", true, false);
    bench("seq-read", false, false);
    bench("rand-write", true, true);
    bench("rand-read", false, true);
}

int guest_main(const struct bulkhead_boot_info *info)
{
    bool hostile = strncmp(info->partition_name, "hostile", 7) == 0;

    seed = (uint8_t)info->partition_id;
    cpu_outb(CONTROL, CONTROL_NIEN); /* polled: this guest takes no interrupts */
    if (strncmp(info->partition_name, "bench", 5) == 0) {
        run_benchmarks();
        cpu_outb(ISA_DEBUG_EXIT, (uint8_t)guest_exit_status());
        return guest_exit_status();
    }
    if (hostile)
        throw_garbage();
    identify();
    if (strncmp(info->partition_name, "verify", 6) == 0)
        printf("ide-disk: verifying what an earlier run wrote\n");
    else
        write_and_read_back();
    read_lba48();
    refusals();
    /* Whatever the neighbour did meanwhile, this disk still holds what was written. */
    unsigned matching = 0;
    for (uint32_t lba = 0; lba < SECTORS_CHECKED; lba++)
        matching += sector_holds_pattern(lba);
    EXPECT_EQ(matching, SECTORS_CHECKED);
    printf("ide-disk: done\n");
    int status = guest_exit_status();
    cpu_outb(ISA_DEBUG_EXIT, (uint8_t)status);
    return status;
}
