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
#define REX_X               0x02
#define REX_B               0x01
#define OPCODE_ESCAPE       0x0f
#define MODRM_RM_SIB        4
#define MODRM_RM_DISP32     5
#define SIB_NO_INDEX        4

struct decoder {
    const uint8_t *bytes;
    unsigned available, at;
    enum x86_mode mode;
    bool operand_size_16, address_size_32, rex, rex_w, rex_r, rex_x, rex_b;
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
        d->rex_x = byte & REX_X;
        d->rex_b = byte & REX_B;
        if (!next_byte(d, &byte))
            return false;
    }
    *opcode = byte;
    return true;
}

static uint8_t operand_size(const struct decoder *d)
{
    return d->rex_w ? 8 : d->operand_size_16 ? 2 : 4;
}

/* A little-endian field of `bytes`, zero-extended to 64 bits. */
static bool read_unsigned(struct decoder *d, unsigned bytes, uint64_t *value)
{
    uint64_t v = 0;
    uint8_t byte = 0;

    for (unsigned i = 0; i < bytes; i++) {
        if (!next_byte(d, &byte))
            return false;
        v |= (uint64_t)byte << (8 * i);
    }
    *value = v;
    return true;
}

/* The same, sign-extended: immediates and displacements. */
static bool read_immediate(struct decoder *d, unsigned bytes, uint64_t *value)
{
    if (!read_unsigned(d, bytes, value))
        return false;
    unsigned unused = 64 - 8 * bytes;
    *value = bytes ? (uint64_t)((int64_t)(*value << unused) >> unused) : 0;
    return true;
}

static uint8_t extended(unsigned field, bool rex_bit)
{
    return (uint8_t)(field | (rex_bit ? 8 : 0));
}

/* SIB: base + index * scale; index 4 (without REX.X) is none, and base 5
 * under mod 0 is none with a disp32 instead. Returns the disp bytes. */
static bool read_sib(struct decoder *d, unsigned mod, struct x86_memory_operand *m,
                     unsigned *displacement)
{
    uint8_t sib;

    if (!next_byte(d, &sib))
        return false;
    unsigned index = extended((sib >> 3) & 7, d->rex_x);
    m->scale = (uint8_t)(1u << (sib >> 6));
    m->index = index == SIB_NO_INDEX ? X86_NO_REGISTER : (uint8_t)index;
    m->base = extended(sib & 7, d->rex_b);
    if ((sib & 7) == MODRM_RM_DISP32 && mod == 0) {
        m->base = X86_NO_REGISTER;
        *displacement = 4;
    }
    return true;
}

/* A memory operand's ModRM, SIB and displacement; *reg_field gets ModRM.reg.
 * A register operand (mod 3) is no memory access. */
static bool read_memory_operand(struct decoder *d, uint8_t *reg_field, struct x86_memory_operand *m)
{
    uint8_t modrm;
    uint64_t displacement = 0;

    if (!next_byte(d, &modrm))
        return false;
    unsigned mod = modrm >> 6, rm = modrm & 7;
    unsigned bytes = mod == 1 ? 1 : mod == 2 ? 4 : 0;
    *reg_field = (modrm >> 3) & 7;
    *m = (struct x86_memory_operand){
        .base = extended(rm, d->rex_b), .index = X86_NO_REGISTER, .scale = 1};
    if (mod == 3)
        return false;
    if (rm == MODRM_RM_SIB) {
        if (!read_sib(d, mod, m, &bytes))
            return false;
    } else if (rm == MODRM_RM_DISP32 && mod == 0) {
        m->base = X86_NO_REGISTER; /* disp32: RIP-relative in 64-bit mode */
        m->rip_relative = d->mode == X86_MODE_64;
        bytes = 4;
    }
    if (!read_immediate(d, bytes, &displacement))
        return false;
    m->displacement = (int64_t)displacement;
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
    out->exchange = opcode == 0x86 || opcode == 0x87;
    out->size = (opcode & 1) ? operand_size(d) : 1;
    out->reg_size = out->size;
    if (!read_memory_operand(d, &reg_field, &out->memory))
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
    if (!read_memory_operand(d, &reg_field, &out->memory) || reg_field != 0)
        return false;
    return read_immediate(d, out->size == 8 ? 4 : out->size, &out->value);
}

/* 0F B6/B7 zero-extend, 0F BE/BF sign-extend a byte or a word. */
static bool decode_move_extend(struct decoder *d, uint8_t opcode, struct x86_mmio_access *out)
{
    uint8_t reg_field;

    out->size = (opcode & 1) ? 2 : 1;
    out->sign_extend = opcode >= 0xbe;
    out->reg_size = operand_size(d);
    if (!read_memory_operand(d, &reg_field, &out->memory))
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
    out->memory =
        (struct x86_memory_operand){.base = X86_NO_REGISTER, .index = X86_NO_REGISTER, .scale = 1};
    bool wide = d->mode == X86_MODE_64 && !d->address_size_32;
    uint64_t address;
    if (!read_unsigned(d, wide ? 8 : 4, &address))
        return false;
    out->memory.displacement = (int64_t)address;
    return true;
}

static bool is_move_extend(uint8_t opcode)
{
    return opcode == 0xb6 || opcode == 0xb7 || opcode == 0xbe || opcode == 0xbf;
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
    if ((opcode >= 0x88 && opcode <= 0x8b) || opcode == 0x86 || opcode == 0x87)
        ok = decode_mov(&d, opcode, out);
    else if (opcode >= 0xa0 && opcode <= 0xa3)
        ok = decode_mov_moffs(&d, opcode, out);
    else if (opcode == 0xc6 || opcode == 0xc7)
        ok = decode_mov_immediate(&d, opcode, out);
    else if (opcode == OPCODE_ESCAPE && next_byte(&d, &opcode) && is_move_extend(opcode))
        ok = decode_move_extend(&d, opcode, out);
    out->length = (uint8_t)d.at;
    return ok;
}

static uint64_t low_bytes(uint64_t value, unsigned bytes)
{
    return bytes >= 8 ? value : value & ((1ull << (8 * bytes)) - 1);
}

static uint64_t sign_extended(uint64_t value, unsigned bytes)
{
    unsigned unused = 64 - 8 * bytes;
    return (uint64_t)((int64_t)(value << unused) >> unused);
}

uint64_t x86_load_result(const struct x86_mmio_access *access, uint64_t old, uint64_t value)
{
    value = low_bytes(value, access->size);
    if (access->sign_extend)
        value = low_bytes(sign_extended(value, access->size), access->reg_size);
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
