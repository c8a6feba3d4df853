/*
 * Just enough of an x86 instruction decoder to emulate a guest's access to
 * device memory (MMIO) that traps as an EPT violation: the MOV forms that
 * compilers and drivers use for device registers. The exit tells where the
 * access went; the decoder tells how long the instruction is, how many bytes
 * it moves, in which direction and from or to which register.
 *
 * Decoded: MOV r/m,r (88, 89), MOV r,r/m (8A, 8B), MOV with an absolute
 * address (A0-A3), MOV r/m,imm (C6 /0, C7 /0), MOVZX and MOVSX r,r/m (0F B6, 0F B7, 0F BE,
 * 0F BF) and XCHG r/m,r (86, 87), with operand-size (66), segment-override and REX prefixes
 * (W, R, X, B), 32- and 64-bit addressing forms (ModRM, SIB, displacements, RIP-relative).
 * These are every form Linux's APIC and I/O APIC accessors compile to. Everything else (string
 * instructions, other read-modify-write, LOCK, 16-bit addressing) is refused, and the caller
 * stops the guest with a clear report rather than guess.
 *
 * Pure logic over a byte buffer: unit-tested on the host.
 */
#ifndef ARCH_X86_64_X86_DECODE_H
#define ARCH_X86_64_X86_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#define X86_MAX_INSTRUCTION 15

enum x86_mode {
    X86_MODE_32 = 0, /* protected mode, 32-bit code segment */
    X86_MODE_64 = 1, /* long mode, 64-bit code segment */
};

#define X86_NO_REGISTER 0xff

/* How the instruction forms its memory address. The exit already says
 * where the access went; this is for checks and tests. */
struct x86_memory_operand {
    uint8_t base, index;  /* register numbers, X86_NO_REGISTER for none */
    uint8_t scale;        /* 1, 2, 4 or 8 */
    bool rip_relative;    /* displacement from the next instruction */
    int64_t displacement; /* or the absolute address of A0-A3 */
};

struct x86_mmio_access {
    uint8_t length;   /* of the instruction, prefixes included */
    uint8_t size;     /* bytes of memory accessed: 1, 2, 4 or 8 */
    bool write;       /* memory is written (else read into a register) */
    bool exchange;    /* XCHG: memory is read into the register and written from it */
    bool immediate;   /* a write of `value` rather than of a register */
    bool sign_extend; /* MOVSX: the load is sign-extended into the register */
    uint8_t reg;      /* register number as encoded: 0 rax, 1 rcx, ... 15 r15 */
    bool high_byte;   /* AH, CH, DH or BH (reg 4-7 of a byte access, no REX) */
    uint8_t reg_size; /* bytes of the register written or read: 1, 2, 4 or 8 */
    uint64_t value;   /* the immediate, sign-extended to reg_size */
    struct x86_memory_operand memory;
};

/* Decodes the instruction at the start of `bytes` (`available` of them
 * readable). False when it is not one of the forms above or is cut short. */
bool x86_decode_mmio(const uint8_t *bytes, unsigned available, enum x86_mode mode,
                     struct x86_mmio_access *out);

/* What a load of `value` (the memory operand, size bytes) makes of the
 * register whose old content is `old`: byte and word loads keep the rest, a
 * 32-bit one clears the upper half, MOVZX zero-extends, MOVSX sign-extends. */
uint64_t x86_load_result(const struct x86_mmio_access *access, uint64_t old, uint64_t value);

/* The bytes a store writes, from the register's content `reg_value`. */
uint64_t x86_store_value(const struct x86_mmio_access *access, uint64_t reg_value);

#endif
