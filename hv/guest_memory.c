#include "hv/guest_memory.h"

#include "lib/string.h"

bool guest_range_valid(const struct guest_memory *memory, uint64_t address, uint64_t length)
{
    return address <= memory->size && length <= memory->size - address;
}

bool guest_copy_from(const struct guest_memory *memory, void *to, uint64_t address, uint64_t length)
{
    if (!guest_range_valid(memory, address, length))
        return false;
    memcpy(to, memory->ram + address, length);
    return true;
}

bool guest_copy_to(const struct guest_memory *memory, uint64_t address, const void *from,
                   uint64_t length)
{
    if (!guest_range_valid(memory, address, length))
        return false;
    memcpy(memory->ram + address, from, length);
    return true;
}
