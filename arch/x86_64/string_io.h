/*
 * The register arithmetic of INS and OUTS, kept apart from the VMCS so the
 * host unit tests can check it: which linear address an element uses, how
 * RSI/RDI move and how a REP count runs down, for each address size.
 */
#ifndef ARCH_X86_64_STRING_IO_H
#define ARCH_X86_64_STRING_IO_H

#include <stdbool.h>
#include <stdint.h>

/* Segment register numbers of the VM-exit instruction-information field
 * (SDM Vol. 3C 28.2.5, Table 28-8). */
enum string_io_segment {
    STRING_IO_ES = 0,
    STRING_IO_CS = 1,
    STRING_IO_SS = 2,
    STRING_IO_DS = 3,
    STRING_IO_FS = 4,
    STRING_IO_GS = 5,
};

struct string_io {
    unsigned size;         /* bytes per element: 1, 2 or 4 */
    bool in;               /* INS: port to ES:[RDI]; else OUTS: seg:[RSI] to port */
    bool rep;              /* REP prefix: RCX counts the elements */
    bool backward;         /* RFLAGS.DF: the index registers count down */
    bool long_mode;        /* 64-bit code: linear addresses are not cut to 32 bits */
    uint64_t address_mask; /* 0xffff, 0xffffffff or all ones, by address size */
    uint64_t segment_base; /* already 0 where 64-bit mode ignores the base */
};

/* The mask of the instruction-information address-size code (0: 16-bit,
 * 1: 32-bit, 2: 64-bit); 0 for a code the CPU never reports. */
uint64_t string_io_address_mask(unsigned address_size_code);

/* Whether 64-bit mode still adds this segment's base (only FS and GS). */
bool string_io_segment_has_base(bool long_mode, unsigned segment);

/* The linear address of the element the index register points at. */
uint64_t string_io_linear(const struct string_io *s, uint64_t index);

/* The index register after `elements` elements: only its address-size part
 * moves; a 32-bit result clears the upper half, a 16-bit one keeps it. */
uint64_t string_io_advance_index(const struct string_io *s, uint64_t index, uint64_t elements);

/* How many elements from `index` on lie before the index register wraps
 * (at its address size): a block of contiguous bytes ends there. */
uint64_t string_io_elements_before_wrap(const struct string_io *s, uint64_t index);

/* How many elements are left: RCX (its address-size part) with REP, else 1. */
uint64_t string_io_remaining(const struct string_io *s, uint64_t rcx);

/* RCX after `elements` elements of a REP instruction (unchanged without
 * REP). */
uint64_t string_io_advance_count(const struct string_io *s, uint64_t rcx, uint64_t elements);

#endif
