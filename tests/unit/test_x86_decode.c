/* The MMIO instruction decoder (arch/x86_64/x86_decode.c), on encodings checked
 * against an assembler's output. */
#include <criterion/criterion.h>

#include "arch/x86_64/x86_decode.h"

static struct x86_mmio_access access;

static bool decode64(const uint8_t *bytes, unsigned length)
{
    return x86_decode_mmio(bytes, length, X86_MODE_64, &access);
}

#define DECODE64(...)                                                                              \
    ({                                                                                             \
        static const uint8_t bytes[] = {__VA_ARGS__};                                              \
        decode64(bytes, sizeof(bytes));                                                            \
    })

Test(x86_decode, byte_store_from_a_register)
{
    cr_assert(DECODE64(0x88, 0x07)); /* mov [rdi], al */
    cr_assert_eq(access.length, 2);
    cr_assert(access.write);
    cr_assert_eq(access.size, 1);
    cr_assert_eq(access.reg, 0);
    cr_assert_not(access.high_byte);
}

Test(x86_decode, high_byte_registers_without_rex)
{
    cr_assert(DECODE64(0x88, 0x27)); /* mov [rdi], ah */
    cr_assert(access.high_byte);
    cr_assert_eq(access.reg, 0);
    cr_assert_eq(x86_store_value(&access, 0x1234), 0x12);
    cr_assert(DECODE64(0x40, 0x88, 0x37)); /* mov [rdi], sil */
    cr_assert_not(access.high_byte);
    cr_assert_eq(access.reg, 6);
}

Test(x86_decode, loads_of_every_width)
{
    cr_assert(DECODE64(0x8a, 0x07)); /* mov al, [rdi] */
    cr_assert_not(access.write);
    cr_assert_eq(access.size, 1);
    cr_assert(DECODE64(0x66, 0x8b, 0x07)); /* mov ax, [rdi] */
    cr_assert_eq(access.size, 2);
    cr_assert_eq(access.length, 3);
    cr_assert(DECODE64(0x8b, 0x07)); /* mov eax, [rdi] */
    cr_assert_eq(access.size, 4);
    cr_assert(DECODE64(0x48, 0x8b, 0x07)); /* mov rax, [rdi] */
    cr_assert_eq(access.size, 8);
    cr_assert(DECODE64(0x4c, 0x8b, 0x07)); /* mov r8, [rdi] */
    cr_assert_eq(access.reg, 8);
}

Test(x86_decode, load_results_follow_the_register_rules)
{
    uint64_t old = 0x1122334455667788ull;

    cr_assert(DECODE64(0x8a, 0x07));
    cr_assert_eq(x86_load_result(&access, old, 0xaabb), 0x11223344556677bbull);
    cr_assert(DECODE64(0x8a, 0x27)); /* mov ah, [rdi] */
    cr_assert_eq(x86_load_result(&access, old, 0xbb), 0x112233445566bb88ull);
    cr_assert(DECODE64(0x66, 0x8b, 0x07));
    cr_assert_eq(x86_load_result(&access, old, 0xaabbcc), 0x112233445566bbccull);
    cr_assert(DECODE64(0x8b, 0x07));
    cr_assert_eq(x86_load_result(&access, old, 0xaabbccdd), 0xaabbccddull, "upper half cleared");
    cr_assert(DECODE64(0x0f, 0xb6, 0x07)); /* movzx eax, byte [rdi] */
    cr_assert_eq(access.size, 1);
    cr_assert_eq(access.reg_size, 4);
    cr_assert_eq(x86_load_result(&access, old, 0xffee), 0xeeull);
    cr_assert(DECODE64(0x66, 0x0f, 0xb6, 0x07)); /* movzx ax, byte [rdi] */
    cr_assert_eq(x86_load_result(&access, old, 0xee), 0x11223344556600eeull);
}

Test(x86_decode, addressing_forms_set_the_length)
{
    cr_assert(DECODE64(0x89, 0x47, 0x08)); /* mov [rdi+8], eax */
    cr_assert_eq(access.length, 3);
    cr_assert(DECODE64(0x89, 0x87, 0x00, 0x01, 0x00, 0x00)); /* mov [rdi+0x100], eax */
    cr_assert_eq(access.length, 6);
    cr_assert(DECODE64(0x89, 0x04, 0x24)); /* mov [rsp], eax */
    cr_assert_eq(access.length, 3);
    cr_assert(DECODE64(0x89, 0x44, 0x8f, 0x10)); /* mov [rdi+rcx*4+16], eax */
    cr_assert_eq(access.length, 4);
    cr_assert(DECODE64(0x89, 0x04, 0x25, 0x00, 0x00, 0x00, 0xfe)); /* mov [0xfe000000], eax */
    cr_assert_eq(access.length, 7);
    cr_assert(DECODE64(0x89, 0x05, 0x10, 0x00, 0x00, 0x00)); /* mov [rip+16], eax */
    cr_assert_eq(access.length, 6);
    cr_assert(DECODE64(0x65, 0x67, 0x89, 0x07)); /* mov gs:[edi], eax */
    cr_assert_eq(access.length, 4);
}

Test(x86_decode, absolute_addresses_use_the_accumulator)
{
    cr_assert(DECODE64(0xa0, 0x01, 0x00, 0x00, 0xfe, 0x00, 0x00, 0x00, 0x00)); /* movabs al */
    cr_assert_eq(access.length, 9);
    cr_assert_not(access.write);
    cr_assert_eq(access.size, 1);
    cr_assert_eq(access.reg, 0);
    cr_assert(DECODE64(0x48, 0xa3, 1, 2, 3, 4, 5, 6, 7, 8)); /* movabs [moffs], rax */
    cr_assert(access.write);
    cr_assert_eq(access.size, 8);
    cr_assert_eq(access.length, 10);
    cr_assert(DECODE64(0x67, 0xa1, 1, 2, 3, 4)); /* mov eax, [moffs32] */
    cr_assert_eq(access.length, 6);
    static const uint8_t mov32[] = {0xa2, 0x00, 0x00, 0x00, 0xfe};
    cr_assert(x86_decode_mmio(mov32, sizeof(mov32), X86_MODE_32, &access));
    cr_assert_eq(access.length, 5);
    cr_assert_not(DECODE64(0xa0, 0x01, 0x00), "cut short");
}

Test(x86_decode, immediates_are_sign_extended_to_the_operand)
{
    cr_assert(DECODE64(0xc6, 0x07, 0x5a)); /* mov byte [rdi], 0x5a */
    cr_assert(access.immediate && access.write);
    cr_assert_eq(x86_store_value(&access, 0), 0x5a);
    cr_assert(DECODE64(0x66, 0xc7, 0x07, 0x34, 0x12)); /* mov word [rdi], 0x1234 */
    cr_assert_eq(access.length, 5);
    cr_assert_eq(x86_store_value(&access, 0), 0x1234);
    cr_assert(DECODE64(0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff)); /* mov qword [rdi], -1 */
    cr_assert_eq(access.size, 8);
    cr_assert_eq(x86_store_value(&access, 0), ~0ull);
    cr_assert(DECODE64(0xc7, 0x47, 0x04, 0x78, 0x56, 0x34, 0x12)); /* mov dword [rdi+4], ... */
    cr_assert_eq(access.length, 7);
    cr_assert_eq(x86_store_value(&access, 0), 0x12345678);
}

Test(x86_decode, stores_take_the_low_bytes_of_the_register)
{
    cr_assert(DECODE64(0x66, 0x89, 0x07));
    cr_assert_eq(x86_store_value(&access, 0x1122334455667788ull), 0x7788);
    cr_assert(DECODE64(0x48, 0x89, 0x07));
    cr_assert_eq(x86_store_value(&access, 0x1122334455667788ull), 0x1122334455667788ull);
}

Test(x86_decode, refuses_what_it_does_not_emulate)
{
    cr_assert_not(DECODE64(0x89, 0xc0), "mov eax, eax: no memory");
    cr_assert_not(DECODE64(0x01, 0x07), "add [rdi], eax: read-modify-write");
    cr_assert_not(DECODE64(0xa4), "movsb");
    cr_assert_not(DECODE64(0xf3, 0xa5), "rep movsd");
    cr_assert_not(DECODE64(0xf0, 0x89, 0x07), "lock");
    cr_assert_not(DECODE64(0xc7, 0x4f, 0x00, 0x01, 0x00, 0x00, 0x00), "C7 /1");
    cr_assert_not(DECODE64(0x0f, 0xbe, 0xc7), "movsx eax, bh: no memory");
    cr_assert_not(DECODE64(0xf0, 0x87, 0x07), "lock xchg");
    cr_assert_not(DECODE64(0x87, 0xc7), "xchg edi, eax: no memory");
    cr_assert_not(DECODE64(0x81, 0x0f, 0x00, 0x01, 0x00, 0x00), "or dword [rdi], imm32");
    cr_assert_not(DECODE64(0x0f, 0xb1, 0x0f), "cmpxchg [rdi], ecx");
    cr_assert_not(DECODE64(0x89), "cut short");
    cr_assert_not(DECODE64(0x89, 0x87, 0x00), "displacement cut short");
    cr_assert_not(DECODE64(0xc7, 0x07, 0x01), "immediate cut short");
}

Test(x86_decode, never_reads_past_fifteen_bytes)
{
    uint8_t bytes[32];

    for (unsigned i = 0; i < sizeof(bytes); i++)
        bytes[i] = 0x66;
    bytes[14] = 0x89;
    bytes[15] = 0x07;
    cr_assert_not(decode64(bytes, sizeof(bytes)));
    cr_assert_leq(access.length, X86_MAX_INSTRUCTION);
}

Test(x86_decode, protected_mode_has_no_rex)
{
    static const uint8_t inc_then_mov[] = {0x48, 0x89, 0x07};

    cr_assert_not(x86_decode_mmio(inc_then_mov, sizeof(inc_then_mov), X86_MODE_32, &access),
                  "0x48 is DEC EAX there");
    static const uint8_t mov[] = {0x89, 0x07};
    cr_assert(x86_decode_mmio(mov, sizeof(mov), X86_MODE_32, &access));
    static const uint8_t address16[] = {0x67, 0x89, 0x07};
    cr_assert_not(x86_decode_mmio(address16, sizeof(address16), X86_MODE_32, &access),
                  "16-bit addressing");
}
