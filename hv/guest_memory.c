#include "hv/guest_memory.h"

#include "lib/pc_layout.h"
#include "lib/string.h"

bool guest_range_offset(const struct guest_memory *memory, uint64_t address, uint64_t length,
                        uint64_t *offset)
{
    struct pc_ram_piece pieces[PC_RAM_PIECES];
    unsigned count = pc_layout_ram_pieces(memory->size, pieces);

    for (unsigned i = 0; i < count; i++) {
        const struct pc_ram_piece *piece = &pieces[i];
        if (address < piece->guest)
            continue;
        uint64_t into = address - piece->guest;
        if (into <= piece->size && length <= piece->size - into) {
            *offset = piece->block_offset + into;
            return true;
        }
    }
    return false;
}

bool guest_range_valid(const struct guest_memory *memory, uint64_t address, uint64_t length)
{
    uint64_t offset;

    return guest_range_offset(memory, address, length, &offset);
}

uint8_t *guest_range_bytes(const struct guest_memory *memory, uint64_t address, uint64_t length)
{
    uint64_t offset;

    return guest_range_offset(memory, address, length, &offset) ? memory->ram + offset : 0;
}

uint64_t guest_ram_end(const struct guest_memory *memory)
{
    struct pc_ram_piece pieces[PC_RAM_PIECES];
    unsigned last = pc_layout_ram_pieces(memory->size, pieces) - 1;

    return pieces[last].guest + pieces[last].size;
}

bool guest_copy_from(const struct guest_memory *memory, void *to, uint64_t address, uint64_t length)
{
    const uint8_t *from = guest_range_bytes(memory, address, length);

    if (!from)
        return false;
    memcpy(to, from, length);
    return true;
}

bool guest_copy_to(const struct guest_memory *memory, uint64_t address, const void *from,
                   uint64_t length)
{
    uint8_t *to = guest_range_bytes(memory, address, length);

    if (!to)
        return false;
    memcpy(to, from, length);
    return true;
}
