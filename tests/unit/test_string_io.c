#include <criterion/criterion.h>

#include "arch/x86_64/string_io.h"

#define MASK_16 0xffffull
#define MASK_32 0xffffffffull
#define MASK_64 (~0ull)

static struct string_io outs(unsigned size, uint64_t mask)
{
    return (struct string_io){.size = size, .rep = true, .long_mode = true, .address_mask = mask};
}

Test(string_io, address_size_codes)
{
    cr_assert_eq(string_io_address_mask(0), MASK_16);
    cr_assert_eq(string_io_address_mask(1), MASK_32);
    cr_assert_eq(string_io_address_mask(2), MASK_64);
    cr_assert_eq(string_io_address_mask(3), 0);
    cr_assert_eq(string_io_address_mask(7), 0);
}

Test(string_io, long_mode_keeps_only_fs_and_gs_bases)
{
    cr_assert_not(string_io_segment_has_base(true, STRING_IO_ES));
    cr_assert_not(string_io_segment_has_base(true, STRING_IO_DS));
    cr_assert_not(string_io_segment_has_base(true, STRING_IO_SS));
    cr_assert(string_io_segment_has_base(true, STRING_IO_FS));
    cr_assert(string_io_segment_has_base(true, STRING_IO_GS));
    cr_assert(string_io_segment_has_base(false, STRING_IO_ES));
    cr_assert(string_io_segment_has_base(false, STRING_IO_DS));
}

Test(string_io, linear_address_adds_the_base_to_the_masked_index)
{
    struct string_io s = outs(1, MASK_16);

    s.long_mode = false;
    s.segment_base = 0x12340;
    cr_assert_eq(string_io_linear(&s, 0xdead0010ull), 0x12350);
    s.address_mask = MASK_32;
    cr_assert_eq(string_io_linear(&s, 0xdead0010ull), 0xdeae2350ull);
    /* Outside 64-bit mode linear addresses wrap at 4 GiB. */
    s.segment_base = 0xfffff000ull;
    cr_assert_eq(string_io_linear(&s, 0x2000), 0x1000);
    s = outs(1, MASK_64);
    s.segment_base = 0xfffff000ull;
    cr_assert_eq(string_io_linear(&s, 0x2000), 0x100001000ull);
}

Test(string_io, index_moves_by_the_element_size_in_either_direction)
{
    struct string_io s = outs(4, MASK_64);

    cr_assert_eq(string_io_advance_index(&s, 0x1000, 1), 0x1004);
    s.backward = true;
    cr_assert_eq(string_io_advance_index(&s, 0x1000, 1), 0xffc);
    s.size = 2;
    cr_assert_eq(string_io_advance_index(&s, 0, 1), MASK_64 - 1);
}

Test(string_io, a_16_bit_index_wraps_and_keeps_its_upper_bits)
{
    struct string_io s = outs(2, MASK_16);

    cr_assert_eq(string_io_advance_index(&s, 0xabcd1234ffffull, 1), 0xabcd12340001ull);
    s.backward = true;
    cr_assert_eq(string_io_advance_index(&s, 0xabcd12340000ull, 1), 0xabcd1234fffeull);
}

Test(string_io, a_32_bit_index_wraps_and_clears_its_upper_half)
{
    struct string_io s = outs(1, MASK_32);

    cr_assert_eq(string_io_advance_index(&s, 0xabcd00001000ull, 1), 0x1001);
    cr_assert_eq(string_io_advance_index(&s, 0xffffffffull, 1), 0);
}

Test(string_io, rep_counts_the_address_size_part_of_rcx)
{
    struct string_io s = outs(1, MASK_32);

    cr_assert_eq(string_io_remaining(&s, 0xabcd00000003ull), 3);
    cr_assert_eq(string_io_advance_count(&s, 0xabcd00000003ull, 1), 2);
    cr_assert_eq(string_io_remaining(&s, 0xabcd00000000ull), 0);
    s.address_mask = MASK_16;
    cr_assert_eq(string_io_remaining(&s, 0x12340000ull), 0);
    cr_assert_eq(string_io_advance_count(&s, 0x12340005ull, 1), 0x12340004ull);
    s.address_mask = MASK_64;
    cr_assert_eq(string_io_remaining(&s, 0x100000000ull), 0x100000000ull);
    cr_assert_eq(string_io_advance_count(&s, 0x100000000ull, 1), 0xffffffffull);
}

Test(string_io, without_rep_one_element_moves_and_rcx_stays)
{
    struct string_io s = outs(1, MASK_64);

    s.rep = false;
    cr_assert_eq(string_io_remaining(&s, 0), 1);
    cr_assert_eq(string_io_remaining(&s, 99), 1);
    cr_assert_eq(string_io_advance_count(&s, 99, 1), 99);
}

Test(string_io, a_block_moves_the_index_and_the_count_as_that_many_elements)
{
    struct string_io s = outs(2, MASK_16);

    cr_assert_eq(string_io_advance_index(&s, 0xabcd0100ull, 256), 0xabcd0300ull);
    cr_assert_eq(string_io_advance_count(&s, 0x12340300ull, 256), 0x12340200ull);
    cr_assert_eq(string_io_advance_index(&s, 0x10ull, 3), string_io_advance_index(&s, 0x14ull, 1));
}

Test(string_io, a_block_ends_where_the_index_register_wraps)
{
    struct string_io s16 = outs(2, MASK_16), s32 = outs(4, MASK_32), s64 = outs(1, MASK_64);

    cr_assert_eq(string_io_elements_before_wrap(&s16, 0x5fffeull), 1);
    cr_assert_eq(string_io_elements_before_wrap(&s16, 0xfff0ull), 8);
    cr_assert_eq(string_io_elements_before_wrap(&s32, 0xfffffff0ull), 4);
    cr_assert_geq(string_io_elements_before_wrap(&s64, 0x1000ull), 0x1000000ull);
}
