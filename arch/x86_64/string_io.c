#include "arch/x86_64/string_io.h"

uint64_t string_io_address_mask(unsigned address_size_code)
{
    switch (address_size_code) {
    case 0:
        return 0xffffull;
    case 1:
        return 0xffffffffull;
    case 2:
        return ~0ull;
    default:
        return 0;
    }
}

bool string_io_segment_has_base(bool long_mode, unsigned segment)
{
    return !long_mode || segment == STRING_IO_FS || segment == STRING_IO_GS;
}

uint64_t string_io_linear(const struct string_io *s, uint64_t index)
{
    uint64_t linear = s->segment_base + (index & s->address_mask);

    return s->long_mode ? linear : linear & 0xffffffffull;
}

/* Writes `value` into the address-size part of `reg`, as the CPU does. */
static uint64_t update_register(const struct string_io *s, uint64_t reg, uint64_t value)
{
    if (s->address_mask == 0xffffull)
        return (reg & ~0xffffull) | (value & 0xffffull);
    return value & s->address_mask;
}

uint64_t string_io_advance_index(const struct string_io *s, uint64_t index, uint64_t elements)
{
    uint64_t bytes = elements * s->size;
    uint64_t moved = s->backward ? index - bytes : index + bytes;

    return update_register(s, index, moved);
}

uint64_t string_io_remaining(const struct string_io *s, uint64_t rcx)
{
    return s->rep ? rcx & s->address_mask : 1;
}

uint64_t string_io_advance_count(const struct string_io *s, uint64_t rcx, uint64_t elements)
{
    return s->rep ? update_register(s, rcx, rcx - elements) : rcx;
}

uint64_t string_io_elements_before_wrap(const struct string_io *s, uint64_t index)
{
    uint64_t offset = index & s->address_mask;
    uint64_t left = s->backward ? offset : s->address_mask - offset;

    return left / s->size + 1;
}
