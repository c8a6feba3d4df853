/*
 * Just enough of an x86 instruction decoder to emulate a guest's access to
 * device memory (MMIO) that traps as an EPT violation: the MOV forms that
 * compilers and drivers use for device registers. The exit tells where the
 * access went; the decoder tells how long the instruction is, how many bytes
 * it moves, in which direction and from or to which register.
 *
 * Decoded: MOV r/m,r (88, 89), MOV r,r/m (8A, 8B), MOV with an absolute
 * address (A0-A3), MOV r/m,imm (C6 /0, C7 /0) and MOVZX r,r/m (0F B6, 0F B7), with operand-size
 * (66), segment-override and REX prefixes, 32- and 64-bit addressing forms (ModRM, SIB,
 * displacements, RIP-relative). Everything else (string instructions, read-modify-write, 16-bit
 * addressing) is refused, and the caller stops the guest with a clear report rather than guess.
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

struct x86_mmio_access {
    uint8_t length;   /* of the instruction, prefixes included */
    uint8_t size;     /* bytes of memory accessed: 1, 2, 4 or 8 */
    bool write;       /* memory is written (else read into a register) */
    bool immediate;   /* a write of `value` rather than of a register */
    uint8_t reg;      /* register number as encoded: 0 rax, 1 rcx, ... 15 r15 */
    bool high_byte;   /* AH, CH, DH or BH (reg 4-7 of a byte access, no REX) */
    uint8_t reg_size; /* bytes of the register written or read: 1, 2, 4 or 8 */
    uint64_t value;   /* the immediate, sign-extended to reg_size */
};

/* Decodes the instruction at the start of `bytes` (`available` of them
 * readable). False when it is not one of the forms above or is cut short. */
bool x86_decode_mmio(const uint8_t *bytes, unsigned available, enum x86_mode mode,
                     struct x86_mmio_access *out);

/* What a load of `value` (the memory operand, size bytes) makes of the
 * register whose old content is `old`: byte and word loads keep the rest, a
 * 32-bit one clears the upper half, MOVZX zero-extends. */
uint64_t x86_load_result(const struct x86_mmio_access *access, uint64_t old, uint64_t value);

/* The bytes a store writes, from the register's content `reg_value`. */
uint64_t x86_store_value(const struct x86_mmio_access *access, uint64_t reg_value);

#endif
