#include "arch/x86_64/vplatform/vmtrr.h"

#define DEF_TYPE_FIXED_ENABLE (1ull << 10)
#define DEF_TYPE_ENABLE       (1ull << 11)
#define DEF_TYPE_WRITABLE     (0xffull | DEF_TYPE_FIXED_ENABLE | DEF_TYPE_ENABLE)
#define MASK_VALID            (1ull << 11)
#define TYPE_BITS             0xffull
#define TYPE_UC               0
#define TYPE_WB               6
#define EVERY_BYTE(type)      (0x0101010101010101ull * (type))
#define FIX16K_A0000          2 /* the fixed register of the VGA window */
#define HOLE_BASE             0xc0000000ull
#define HOLE_SIZE             0x40000000ull
#define PAGE_BITS             0xfffull

/* 0x250, 0x258, 0x259, 0x268-0x26f: FIX64K_00000 .. FIX4K_F8000. */
static int fixed_index(uint32_t msr)
{
    if (msr == 0x250)
        return 0;
    if (msr == 0x258 || msr == 0x259)
        return (int)(msr - 0x258) + 1;
    if (msr >= 0x268 && msr <= 0x26f)
        return (int)(msr - 0x268) + 3;
    return -1;
}

static bool variable_msr(uint32_t msr)
{
    return msr >= VMTRR_FIRST_ADDRESS && msr < VMTRR_FIRST_ADDRESS + 2 * VMTRR_VARIABLE;
}

bool vmtrr_owns(uint32_t msr)
{
    return msr == VMTRR_CAP_ADDRESS || msr == VMTRR_LAST_ADDRESS || variable_msr(msr) ||
           fixed_index(msr) >= 0;
}

void vmtrr_reset(struct vmtrr *m, unsigned phys_bits)
{
    uint64_t top = phys_bits >= 64 ? UINT64_MAX : (1ull << phys_bits) - 1;

    *m = (struct vmtrr){.def_type = DEF_TYPE_ENABLE | DEF_TYPE_FIXED_ENABLE | TYPE_WB};
    m->address_bits = top & ~PAGE_BITS;
    for (unsigned i = 0; i < VMTRR_FIXED; i++)
        m->fixed[i] = i == FIX16K_A0000 ? EVERY_BYTE(TYPE_UC) : EVERY_BYTE(TYPE_WB);
    m->variable[0] = HOLE_BASE | TYPE_UC;
    m->variable[1] = (m->address_bits & ~(HOLE_SIZE - 1)) | MASK_VALID;
}

bool vmtrr_read(const struct vmtrr *m, uint32_t msr, uint64_t *value)
{
    int fixed = fixed_index(msr);

    if (msr == VMTRR_CAP_ADDRESS)
        *value = VMTRR_CAP;
    else if (msr == VMTRR_LAST_ADDRESS)
        *value = m->def_type;
    else if (variable_msr(msr))
        *value = m->variable[msr - VMTRR_FIRST_ADDRESS];
    else if (fixed >= 0)
        *value = m->fixed[fixed];
    else
        return false;
    return true;
}

/* UC, WC, WT, WP and WB; 2, 3 and 7 on are reserved (SDM Vol. 3A 12.11.3). */
static bool valid_type(uint64_t type)
{
    return type == 0 || type == 1 || type == 4 || type == 5 || type == 6;
}

static bool valid_fixed(uint64_t value)
{
    for (unsigned i = 0; i < 8; i++) {
        if (!valid_type((value >> (8 * i)) & TYPE_BITS))
            return false;
    }
    return true;
}

/* PHYSBASE: a type and an address; PHYSMASK: the valid bit and a mask. */
static bool valid_variable(const struct vmtrr *m, uint32_t msr, uint64_t value)
{
    bool base = (msr - VMTRR_FIRST_ADDRESS) % 2 == 0;
    uint64_t writable = m->address_bits | (base ? TYPE_BITS : MASK_VALID);

    return !(value & ~writable) && (!base || valid_type(value & TYPE_BITS));
}

bool vmtrr_write(struct vmtrr *m, uint32_t msr, uint64_t value)
{
    int fixed = fixed_index(msr);

    if (msr == VMTRR_LAST_ADDRESS) {
        if ((value & ~DEF_TYPE_WRITABLE) || !valid_type(value & TYPE_BITS))
            return false;
        m->def_type = value;
    } else if (variable_msr(msr)) {
        if (!valid_variable(m, msr, value))
            return false;
        m->variable[msr - VMTRR_FIRST_ADDRESS] = value;
    } else if (fixed >= 0 && valid_fixed(value)) {
        m->fixed[fixed] = value;
    } else {
        return false; /* MTRRCAP is read-only; a bad fixed range; not an MTRR */
    }
    return true;
}
