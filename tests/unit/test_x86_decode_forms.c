/* The MMIO decoder (arch/x86_64/x86_decode.c) over a table of encodings:
 * the instruction bytes, checked against an assembler's output, and what
 * they must decode to. The first rows are the forms Linux's xAPIC and I/O
 * APIC accessors compile to: native_apic_mem_write/read with the APIC's
 * fixmap address as a sign-extended disp32 (constant register) or as a
 * displacement from the register offset, the XCHG of its 11AP work-around,
 * and io_apic_read/write's writel/readl through a pointer. */
#include <criterion/criterion.h>

#include "arch/x86_64/x86_decode.h"

#define NONE     X86_NO_REGISTER
#define APIC_EOI (-0xa03f50ll) /* 0xffffffffff5fc0b0: fixmap APIC page + EOI */
#define APIC_ID  (-0xa03fe0ll) /* 0xffffffffff5fc020 */
#define APIC_FIX (-0xa04000ll) /* 0xffffffffff5fc000 */
#define RAX      0
#define RCX      1
#define RDX      2
#define RSP      4
#define RBP      5
#define RSI      6
#define RDI      7
#define R8       8
#define R9       9
#define R12      12
#define R13      13
#define R15      15

enum direction { LOAD, STORE, XCHG };

struct form {
    const char *text;
    uint8_t bytes[X86_MAX_INSTRUCTION];
    uint8_t length, size;
    enum direction direction;
    uint8_t reg, reg_size;
    uint8_t base, index, scale;
    int64_t displacement;
    bool rip_relative;
    bool immediate;
    uint64_t value;
    bool sign_extend;
};

static const struct form forms[] = {
    /* native_apic_mem_write(APIC_EOI, 0) inlined: mov [disp32], reg */
    {"mov [0xffffffffff5fc0b0], eax",
     {0x89, 0x04, 0x25, 0xb0, 0xc0, 0x5f, 0xff},
     7,
     4,
     STORE,
     RAX,
     4,
     NONE,
     NONE,
     1,
     APIC_EOI},
    {"mov [0xffffffffff5fc0b0], edx",
     {0x89, 0x14, 0x25, 0xb0, 0xc0, 0x5f, 0xff},
     7,
     4,
     STORE,
     RDX,
     4,
     NONE,
     NONE,
     1,
     APIC_EOI},
    {"mov [0xffffffffff5fc0b0], r8d",
     {0x44, 0x89, 0x04, 0x25, 0xb0, 0xc0, 0x5f, 0xff},
     8,
     4,
     STORE,
     R8,
     4,
     NONE,
     NONE,
     1,
     APIC_EOI},
    /* native_apic_mem_read(APIC_ID) inlined */
    {"mov eax, [0xffffffffff5fc020]",
     {0x8b, 0x04, 0x25, 0x20, 0xc0, 0x5f, 0xff},
     7,
     4,
     LOAD,
     RAX,
     4,
     NONE,
     NONE,
     1,
     APIC_ID},
    {"mov r13d, [0xffffffffff5fc020]",
     {0x44, 0x8b, 0x2c, 0x25, 0x20, 0xc0, 0x5f, 0xff},
     8,
     4,
     LOAD,
     R13,
     4,
     NONE,
     NONE,
     1,
     APIC_ID},
    /* the out-of-line accessors: register offset plus the fixmap base */
    {"mov [rdi-0xa04000], esi",
     {0x89, 0xb7, 0x00, 0xc0, 0x5f, 0xff},
     6,
     4,
     STORE,
     RSI,
     4,
     RDI,
     NONE,
     1,
     APIC_FIX},
    {"mov eax, [rdi-0xa04000]",
     {0x8b, 0x87, 0x00, 0xc0, 0x5f, 0xff},
     6,
     4,
     LOAD,
     RAX,
     4,
     RDI,
     NONE,
     1,
     APIC_FIX},
    /* X86_BUG_11AP: xchg [disp32], reg */
    {"xchg [0xffffffffff5fc0b0], eax",
     {0x87, 0x04, 0x25, 0xb0, 0xc0, 0x5f, 0xff},
     7,
     4,
     XCHG,
     RAX,
     4,
     NONE,
     NONE,
     1,
     APIC_EOI},
    /* io_apic_write/read: writel(reg, &io->index), readl(&io->data) */
    {"mov [rax], esi", {0x89, 0x30}, 2, 4, STORE, RSI, 4, RAX, NONE, 1, 0},
    {"mov eax, [rax+0x10]", {0x8b, 0x40, 0x10}, 3, 4, LOAD, RAX, 4, RAX, NONE, 1, 0x10},
    {"mov [r12], esi", {0x41, 0x89, 0x34, 0x24}, 4, 4, STORE, RSI, 4, R12, NONE, 1, 0},
    {"mov eax, [r12+0x10]", {0x41, 0x8b, 0x44, 0x24, 0x10}, 5, 4, LOAD, RAX, 4, R12, NONE, 1, 0x10},
    {"mov [r13+0x0], r9d", {0x45, 0x89, 0x4d, 0x00}, 4, 4, STORE, R9, 4, R13, NONE, 1, 0},
    /* the other addressing forms */
    {"mov [rbp-8], ecx", {0x89, 0x4d, 0xf8}, 3, 4, STORE, RCX, 4, RBP, NONE, 1, -8},
    {"mov [rsp], eax", {0x89, 0x04, 0x24}, 3, 4, STORE, RAX, 4, RSP, NONE, 1, 0},
    {"mov [rdi+rcx*4+0x10], eax", {0x89, 0x44, 0x8f, 0x10}, 4, 4, STORE, RAX, 4, RDI, RCX, 4, 0x10},
    {"mov [r8+r9*8+0x100], r15d",
     {0x47, 0x89, 0xbc, 0xc8, 0x00, 0x01, 0x00, 0x00},
     8,
     4,
     STORE,
     R15,
     4,
     R8,
     R9,
     8,
     0x100},
    {"mov eax, [rcx*2+0xfee00000]",
     {0x8b, 0x04, 0x4d, 0x00, 0x00, 0xe0, 0xfe},
     7,
     4,
     LOAD,
     RAX,
     4,
     NONE,
     RCX,
     2,
     -0x1200000ll},
    {"mov eax, [rip+0x200]",
     {0x8b, 0x05, 0x00, 0x02, 0x00, 0x00},
     6,
     4,
     LOAD,
     RAX,
     4,
     NONE,
     NONE,
     1,
     0x200,
     true},
    {"mov [r13+rsp*1], eax (no index)",
     {0x41, 0x89, 0x44, 0x25, 0x00},
     5,
     4,
     STORE,
     RAX,
     4,
     R13,
     NONE,
     1,
     0},
    /* immediates and widths */
    {"mov dword [rdi+0xb0], 0",
     {0xc7, 0x87, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
     10,
     4,
     STORE,
     0,
     4,
     RDI,
     NONE,
     1,
     0xb0,
     false,
     true,
     0},
    {"mov dword [0xffffffffff5fc0b0], 0x12345678",
     {0xc7, 0x04, 0x25, 0xb0, 0xc0, 0x5f, 0xff, 0x78, 0x56, 0x34, 0x12},
     11,
     4,
     STORE,
     0,
     4,
     NONE,
     NONE,
     1,
     APIC_EOI,
     false,
     true,
     0x12345678},
    {"mov qword [r8], -2",
     {0x49, 0xc7, 0x00, 0xfe, 0xff, 0xff, 0xff},
     7,
     8,
     STORE,
     0,
     8,
     R8,
     NONE,
     1,
     0,
     false,
     true,
     ~1ull},
    {"mov rax, [rdi]", {0x48, 0x8b, 0x07}, 3, 8, LOAD, RAX, 8, RDI, NONE, 1, 0},
    {"mov [rdi], r9", {0x4c, 0x89, 0x0f}, 3, 8, STORE, R9, 8, RDI, NONE, 1, 0},
    {"mov ax, [rdi]", {0x66, 0x8b, 0x07}, 3, 2, LOAD, RAX, 2, RDI, NONE, 1, 0},
    {"mov [rdi], dl", {0x88, 0x17}, 2, 1, STORE, RDX, 1, RDI, NONE, 1, 0},
    {"movzx eax, byte [rdi+1]", {0x0f, 0xb6, 0x47, 0x01}, 4, 1, LOAD, RAX, 4, RDI, NONE, 1, 1},
    {"movzx r8d, word [rsi]", {0x44, 0x0f, 0xb7, 0x06}, 4, 2, LOAD, R8, 4, RSI, NONE, 1, 0},
    {"movsx eax, byte [rdi]",
     {0x0f, 0xbe, 0x07},
     3,
     1,
     LOAD,
     RAX,
     4,
     RDI,
     NONE,
     1,
     0,
     false,
     false,
     0,
     true},
    {"movsx rcx, word [rdi]",
     {0x48, 0x0f, 0xbf, 0x0f},
     4,
     2,
     LOAD,
     RCX,
     8,
     RDI,
     NONE,
     1,
     0,
     false,
     false,
     0,
     true},
    {"xchg [rdi], r12", {0x4c, 0x87, 0x27}, 3, 8, XCHG, R12, 8, RDI, NONE, 1, 0},
    {"xchg [rsi], cl", {0x86, 0x0e}, 2, 1, XCHG, RCX, 1, RSI, NONE, 1, 0},
};

static void check_form(const struct form *f)
{
    struct x86_mmio_access a;

    cr_assert(x86_decode_mmio(f->bytes, f->length, X86_MODE_64, &a), "%s: not decoded", f->text);
    cr_assert_eq(a.length, f->length, "%s: length", f->text);
    cr_assert_eq(a.size, f->size, "%s: size", f->text);
    cr_assert_eq(a.write, f->direction == STORE, "%s: direction", f->text);
    cr_assert_eq(a.exchange, f->direction == XCHG, "%s: exchange", f->text);
    cr_assert_eq(a.immediate, f->immediate, "%s: immediate", f->text);
    if (f->immediate)
        cr_assert_eq(x86_store_value(&a, 0), f->size == 8 ? f->value : f->value & 0xffffffffull,
                     "%s: immediate value", f->text);
    else
        cr_assert_eq(a.reg, f->reg, "%s: register", f->text);
    cr_assert_eq(a.reg_size, f->reg_size, "%s: register size", f->text);
    cr_assert_eq(a.sign_extend, f->sign_extend, "%s: sign extension", f->text);
    cr_assert_eq(a.memory.base, f->base, "%s: base", f->text);
    cr_assert_eq(a.memory.index, f->index, "%s: index", f->text);
    cr_assert_eq(a.memory.scale, f->scale, "%s: scale", f->text);
    cr_assert_eq(a.memory.displacement, f->displacement, "%s: displacement", f->text);
    cr_assert_eq(a.memory.rip_relative, f->rip_relative, "%s: RIP-relative", f->text);
}

Test(x86_decode_forms, every_form_in_the_table)
{
    for (unsigned i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
        check_form(&forms[i]);
}

Test(x86_decode_forms, cut_short_anywhere_is_refused)
{
    struct x86_mmio_access a;

    for (unsigned i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        for (unsigned length = 0; length < forms[i].length; length++)
            cr_assert_not(x86_decode_mmio(forms[i].bytes, length, X86_MODE_64, &a), "%s cut at %u",
                          forms[i].text, length);
    }
}

Test(x86_decode_forms, absolute_address_of_the_accumulator_forms)
{
    static const uint8_t movabs[] = {0xa1, 0x20, 0x00, 0xe0, 0xfe, 0, 0, 0, 0};
    struct x86_mmio_access a;

    cr_assert(x86_decode_mmio(movabs, sizeof(movabs), X86_MODE_64, &a));
    cr_assert_eq(a.memory.displacement, 0xfee00020ll);
    cr_assert_eq(a.memory.base, NONE);
}

Test(x86_decode_forms, protected_mode_disp32_is_absolute)
{
    static const uint8_t mov[] = {0x8b, 0x05, 0x20, 0x00, 0xe0, 0xfe}; /* mov eax, [0xfee00020] */
    struct x86_mmio_access a;

    cr_assert(x86_decode_mmio(mov, sizeof(mov), X86_MODE_32, &a));
    cr_assert_not(a.memory.rip_relative);
    cr_assert_eq((uint32_t)a.memory.displacement, 0xfee00020u);
}

Test(x86_decode_forms, sign_and_zero_extension_of_loads)
{
    struct x86_mmio_access a;

    cr_assert(x86_decode_mmio(forms[29].bytes, forms[29].length, X86_MODE_64, &a)); /* movsx eax */
    cr_assert_eq(x86_load_result(&a, ~0ull, 0x80), 0xffffff80ull, "upper half cleared");
    cr_assert(x86_decode_mmio(forms[30].bytes, forms[30].length, X86_MODE_64, &a)); /* movsx rcx */
    cr_assert_eq(x86_load_result(&a, 0, 0x8000), 0xffffffffffff8000ull);
    cr_assert_eq(x86_load_result(&a, 0, 0x7fff), 0x7fff);
    cr_assert(x86_decode_mmio(forms[27].bytes, forms[27].length, X86_MODE_64, &a)); /* movzx */
    cr_assert_eq(x86_load_result(&a, ~0ull, 0x80), 0x80);
}

Test(x86_decode_forms, exchange_stores_the_register_and_loads_the_old_value)
{
    struct x86_mmio_access a;

    cr_assert(x86_decode_mmio(forms[7].bytes, forms[7].length, X86_MODE_64, &a));
    cr_assert_eq(x86_store_value(&a, 0x1111222233334444ull), 0x33334444);
    cr_assert_eq(x86_load_result(&a, 0x1111222233334444ull, 0xabcd), 0xabcd);
}
