#include <criterion/criterion.h>
#include <string.h>

#include "hv/guest_memory.h"
#include "lib/pc_layout.h"

#define SIZE 4096u

/* Guard bytes either side show that nothing is copied past the RAM. */
static uint8_t backing[SIZE + 64];
static struct guest_memory memory = {backing + 32, SIZE};

static void setup(void)
{
    memset(backing, 0xaa, sizeof(backing));
    for (unsigned i = 0; i < SIZE; i++)
        memory.ram[i] = (uint8_t)i;
}

TestSuite(guest_memory, .init = setup);

Test(guest_memory, ranges_inside_ram)
{
    cr_assert(guest_range_valid(&memory, 0, 0));
    cr_assert(guest_range_valid(&memory, 0, SIZE));
    cr_assert(guest_range_valid(&memory, SIZE - 1, 1));
    cr_assert(guest_range_valid(&memory, 100, SIZE - 100));
}

Test(guest_memory, zero_length_at_the_end_but_not_past_it)
{
    cr_assert(guest_range_valid(&memory, SIZE, 0));
    cr_assert_not(guest_range_valid(&memory, SIZE + 1, 0));
    cr_assert_not(guest_range_valid(&memory, UINT64_MAX, 0));
}

Test(guest_memory, one_byte_past_the_end)
{
    cr_assert_not(guest_range_valid(&memory, SIZE, 1));
    cr_assert_not(guest_range_valid(&memory, SIZE - 1, 2));
    cr_assert_not(guest_range_valid(&memory, 0, SIZE + 1));
    cr_assert_not(guest_range_valid(&memory, 1, SIZE));
}

Test(guest_memory, no_wrap_around)
{
    cr_assert_not(guest_range_valid(&memory, UINT64_MAX, 1));
    cr_assert_not(guest_range_valid(&memory, UINT64_MAX, 2));
    cr_assert_not(guest_range_valid(&memory, 16, UINT64_MAX));
    cr_assert_not(guest_range_valid(&memory, 16, UINT64_MAX - 15)); /* ends at 0 */
    cr_assert_not(guest_range_valid(&memory, 16, 0 - 16ull + 8));   /* ends at 8 */
    cr_assert_not(guest_range_valid(&memory, UINT64_MAX - SIZE + 1, SIZE));
    cr_assert_not(guest_range_valid(&memory, 1ull << 63, 1ull << 63));
    cr_assert_not(guest_range_valid(&memory, 0, UINT64_MAX));
    cr_assert_not(guest_range_valid(&memory, UINT64_MAX, UINT64_MAX));
}

Test(guest_memory, empty_memory_has_only_the_empty_range)
{
    struct guest_memory none = {backing, 0};

    cr_assert(guest_range_valid(&none, 0, 0));
    cr_assert_not(guest_range_valid(&none, 0, 1));
    cr_assert_not(guest_range_valid(&none, 1, 0));
}

Test(guest_memory, copy_from_reads_the_range)
{
    uint8_t out[8];

    cr_assert(guest_copy_from(&memory, out, SIZE - 8, 8));
    for (unsigned i = 0; i < 8; i++)
        cr_assert_eq(out[i], (uint8_t)(SIZE - 8 + i));
    cr_assert(guest_copy_from(&memory, out, SIZE, 0));
}

Test(guest_memory, copy_from_outside_copies_nothing)
{
    uint8_t out[8];
    static const struct {
        uint64_t address, length;
    } bad[] = {{SIZE - 7, 8},   {SIZE, 1},           {SIZE + 1, 0},
               {UINT64_MAX, 1}, {UINT64_MAX - 3, 8}, {4, UINT64_MAX}};

    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(out, 0x55, sizeof(out));
        cr_assert_not(guest_copy_from(&memory, out, bad[i].address, bad[i].length), "case %u", i);
        for (unsigned j = 0; j < sizeof(out); j++)
            cr_assert_eq(out[j], 0x55);
    }
}

Test(guest_memory, copy_to_writes_the_range_only)
{
    const uint8_t in[4] = {1, 2, 3, 4};

    cr_assert(guest_copy_to(&memory, SIZE - 4, in, 4));
    cr_assert(!memcmp(memory.ram + SIZE - 4, in, 4));
    cr_assert_eq(memory.ram[SIZE - 5], (uint8_t)(SIZE - 5));
    cr_assert_eq(backing[32 + SIZE], 0xaa);
    cr_assert(guest_copy_to(&memory, SIZE, in, 0));
}

Test(guest_memory, copy_to_outside_writes_nothing)
{
    const uint8_t in[8] = {0};
    uint8_t before[sizeof(backing)];
    static const struct {
        uint64_t address, length;
    } bad[] = {{SIZE - 3, 4},       {SIZE, 1},     {SIZE + 1, 0}, {UINT64_MAX, 1},
               {UINT64_MAX - 3, 8}, {0 - 32ull, 8} /* just below the RAM, were it to wrap */};

    memcpy(before, backing, sizeof(backing));
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_not(guest_copy_to(&memory, bad[i].address, in, bad[i].length), "case %u", i);
    cr_assert(!memcmp(before, backing, sizeof(backing)));
}

/* RAM over 3 GiB continues at 4 GiB: the block's bytes past 3 GiB are
 * reached there, and the MMIO hole between is no RAM. */
#define LARGE (5ull << 30)
#define GiB   (1ull << 30)

static const struct guest_memory large = {(uint8_t *)0x1000, LARGE};

static uint64_t offset_of(uint64_t address, uint64_t length)
{
    uint64_t offset = UINT64_MAX;

    cr_assert(guest_range_offset(&large, address, length, &offset), "0x%llx +%llu",
              (unsigned long long)address, (unsigned long long)length);
    return offset;
}

Test(guest_memory, large_ram_low_piece_is_identity)
{
    cr_assert_eq(offset_of(0, 1), 0);
    cr_assert_eq(offset_of(3 * GiB - 8, 8), 3 * GiB - 8);
    cr_assert_eq(offset_of(3 * GiB, 0), 3 * GiB);
}

Test(guest_memory, large_ram_above_4g_is_the_rest_of_the_block)
{
    cr_assert_eq(offset_of(4 * GiB, 8), 3 * GiB);
    cr_assert_eq(offset_of(6 * GiB - 8, 8), LARGE - 8);
    cr_assert_eq(guest_range_bytes(&large, 4 * GiB + 16, 1), large.ram + 3 * GiB + 16);
}

Test(guest_memory, the_mmio_hole_is_not_ram)
{
    cr_assert_not(guest_range_valid(&large, 3 * GiB, 1));
    cr_assert_not(guest_range_valid(&large, 0xfec00000, 4));
    cr_assert_not(guest_range_valid(&large, 0xfee00000, 4));
    cr_assert_not(guest_range_valid(&large, 4 * GiB - 1, 1));
    cr_assert_null(guest_range_bytes(&large, 0xe0000000, 8));
}

Test(guest_memory, no_range_straddles_the_hole)
{
    cr_assert_not(guest_range_valid(&large, 3 * GiB - 8, 16));
    cr_assert_not(guest_range_valid(&large, 3 * GiB - 8, GiB + 16));
    cr_assert_not(guest_range_valid(&large, 6 * GiB - 8, 16));
    cr_assert_not(guest_range_valid(&large, 6 * GiB, 1));
}

Test(guest_memory, ram_end_is_past_the_high_piece)
{
    struct guest_memory exactly_3g = {0, 3 * GiB};

    cr_assert_eq(guest_ram_end(&large), 6 * GiB);
    cr_assert_eq(guest_ram_end(&exactly_3g), 3 * GiB);
    cr_assert_eq(guest_ram_end(&memory), SIZE);
}

Test(guest_memory, a_small_partition_is_one_piece_at_zero)
{
    uint64_t offset;

    cr_assert(guest_range_offset(&memory, 100, 10, &offset));
    cr_assert_eq(offset, 100);
    cr_assert_not(guest_range_valid(&memory, PC_HIGH_RAM_START, 1));
}
