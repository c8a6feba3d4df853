/*
 * Instruction layout (SDM Vol. 2A chapter 2): legacy prefixes, REX (64-bit
 * mode only, right before the opcode), opcode, ModRM, SIB, displacement,
 * immediate.
 */
#include "arch/x86_64/x86_decode.h"

#define PREFIX_OPERAND_SIZE 0x66
#define PREFIX_ADDRESS_SIZE 0x67
#define REX_W               0x08
#define REX_R               0x04
#define OPCODE_ESCAPE       0x0f

struct decoder {
    const uint8_t *bytes;
    unsigned available, at;
    enum x86_mode mode;
    bool operand_size_16, address_size_32, rex, rex_w, rex_r;
};

static bool next_byte(struct decoder *d, uint8_t *byte)
{
    if (d->at >= d->available || d->at >= X86_MAX_INSTRUCTION)
        return false;
    *byte = d->bytes[d->at++];
    return true;
}

static bool is_segment_override(uint8_t byte)
{
    return byte == 0x26 || byte == 0x2e || byte == 0x36 || byte == 0x3e || byte == 0x64 ||
           byte == 0x65;
}

/* Prefixes, then the opcode byte. An address-size prefix is only fine in
 * 64-bit mode, where it keeps the ModRM forms (32-bit addressing); LOCK and
 * REP have no business on a MOV. */
static bool read_opcode(struct decoder *d, uint8_t *opcode)
{
    uint8_t byte;

    for (;;) {
        if (!next_byte(d, &byte))
            return false;
        if (byte == PREFIX_OPERAND_SIZE)
            d->operand_size_16 = true;
        else if (byte == PREFIX_ADDRESS_SIZE && d->mode == X86_MODE_64)
            d->address_size_32 = true;
        else if (!is_segment_override(byte))
            break;
    }
    if (d->mode == X86_MODE_64 && (byte & 0xf0) == 0x40) {
        d->rex = true;
        d->rex_w = byte & REX_W;
        d->rex_r = byte & REX_R;
        if (!next_byte(d, &byte))
            return false;
    }
    *opcode = byte;
    return true;
}

static bool skip_bytes(struct decoder *d, unsigned count)
{
    uint8_t ignored;

    for (unsigned i = 0; i < count; i++) {
        if (!next_byte(d, &ignored))
            return false;
    }
    return true;
}

/* A memory operand's ModRM, SIB and displacement; *reg_field gets ModRM.reg.
 * A register operand (mod 3) is no memory access. */
static bool read_memory_operand(struct decoder *d, uint8_t *reg_field)
{
    uint8_t modrm, sib;

    if (!next_byte(d, &modrm))
        return false;
    unsigned mod = modrm >> 6, rm = modrm & 7;
    *reg_field = (modrm >> 3) & 7;
    if (mod == 3)
        return false;
    unsigned displacement = mod == 1 ? 1 : mod == 2 ? 4 : 0;
    if (rm == 4) {
        if (!next_byte(d, &sib))
            return false;
        if ((sib & 7) == 5 && mod == 0)
            displacement = 4;
    } else if (rm == 5 && mod == 0) {
        displacement = 4; /* disp32, RIP-relative in 64-bit mode */
    }
    return skip_bytes(d, displacement);
}

static uint8_t operand_size(const struct decoder *d)
{
    return d->rex_w ? 8 : d->operand_size_16 ? 2 : 4;
}

/* A little-endian immediate of `bytes`, sign-extended to 64 bits. */
static bool read_immediate(struct decoder *d, unsigned bytes, uint64_t *value)
{
    uint64_t v = 0;
    uint8_t byte = 0;

    for (unsigned i = 0; i < bytes; i++) {
        if (!next_byte(d, &byte))
            return false;
        v |= (uint64_t)byte << (8 * i);
    }
    unsigned unused = 64 - 8 * bytes;
    *value = (uint64_t)((int64_t)(v << unused) >> unused);
    return true;
}

/* The register of a byte access: without REX, 4-7 are AH, CH, DH, BH. */
static void set_register(const struct decoder *d, uint8_t reg_field, struct x86_mmio_access *out)
{
    out->high_byte = out->reg_size == 1 && !d->rex && reg_field >= 4;
    out->reg = out->high_byte ? reg_field - 4 : (uint8_t)(reg_field | (d->rex_r ? 8 : 0));
}

static bool decode_mov(struct decoder *d, uint8_t opcode, struct x86_mmio_access *out)
{
    uint8_t reg_field;

    out->write = opcode == 0x88 || opcode == 0x89;
    out->size = (opcode & 1) ? operand_size(d) : 1;
    out->reg_size = out->size;
    if (!read_memory_operand(d, &reg_field))
        return false;
    set_register(d, reg_field, out);
    return true;
}

/* C6 /0 ib and C7 /0 iw/id: a 64-bit store takes a sign-extended imm32. */
static bool decode_mov_immediate(struct decoder *d, uint8_t opcode, struct x86_mmio_access *out)
{
    uint8_t reg_field;

    out->write = true;
    out->immediate = true;
    out->size = opcode == 0xc6 ? 1 : operand_size(d);
    out->reg_size = out->size;
    if (!read_memory_operand(d, &reg_field) || reg_field != 0)
        return false;
    return read_immediate(d, out->size == 8 ? 4 : out->size, &out->value);
}

static bool decode_movzx(struct decoder *d, uint8_t opcode, struct x86_mmio_access *out)
{
    uint8_t reg_field;

    out->size = opcode == 0xb6 ? 1 : 2;
    out->reg_size = operand_size(d);
    if (!read_memory_operand(d, &reg_field))
        return false;
    set_register(d, reg_field, out);
    return true;
}

/* A0-A3: the accumulator to or from an absolute address (moffs) as wide as
 * the address size. */
static bool decode_mov_moffs(struct decoder *d, uint8_t opcode, struct x86_mmio_access *out)
{
    out->write = opcode >= 0xa2;
    out->size = (opcode & 1) ? operand_size(d) : 1;
    out->reg_size = out->size;
    out->reg = 0;
    bool wide = d->mode == X86_MODE_64 && !d->address_size_32;
    return skip_bytes(d, wide ? 8 : 4);
}

bool x86_decode_mmio(const uint8_t *bytes, unsigned available, enum x86_mode mode,
                     struct x86_mmio_access *out)
{
    struct decoder d = {.bytes = bytes, .available = available, .mode = mode};
    uint8_t opcode;
    bool ok = false;

    *out = (struct x86_mmio_access){0};
    if (!read_opcode(&d, &opcode))
        return false;
    if (opcode >= 0x88 && opcode <= 0x8b)
        ok = decode_mov(&d, opcode, out);
    else if (opcode >= 0xa0 && opcode <= 0xa3)
        ok = decode_mov_moffs(&d, opcode, out);
    else if (opcode == 0xc6 || opcode == 0xc7)
        ok = decode_mov_immediate(&d, opcode, out);
    else if (opcode == OPCODE_ESCAPE && next_byte(&d, &opcode) &&
             (opcode == 0xb6 || opcode == 0xb7))
        ok = decode_movzx(&d, opcode, out);
    out->length = (uint8_t)d.at;
    return ok;
}

static uint64_t low_bytes(uint64_t value, unsigned bytes)
{
    return bytes >= 8 ? value : value & ((1ull << (8 * bytes)) - 1);
}

uint64_t x86_load_result(const struct x86_mmio_access *access, uint64_t old, uint64_t value)
{
    value = low_bytes(value, access->size);
    switch (access->reg_size) {
    case 1:
        if (access->high_byte)
            return (old & ~0xff00ull) | (value << 8);
        return (old & ~0xffull) | value;
    case 2:
        return (old & ~0xffffull) | value;
    default: /* a 32-bit load clears the upper half, as every 32-bit write does */
        return value;
    }
}

uint64_t x86_store_value(const struct x86_mmio_access *access, uint64_t reg_value)
{
    if (access->immediate)
        return low_bytes(access->value, access->size);
    if (access->high_byte)
        return (reg_value >> 8) & 0xff;
    return low_bytes(reg_value, access->size);
}
