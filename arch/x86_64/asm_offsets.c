/* Structure offsets for the NASM files, generated at build time into
 * build/asm_offsets.inc so that nothing is counted by hand. */
#include <stddef.h>

#include "arch/x86_64/ap_token.h"
#include "arch/x86_64/trampoline.h"
#include "hv/vcpu.h"

#define DEFINE(sym, val) __asm__ volatile("\n->" #sym " %0" ::"i"(val))

void asm_offsets(void);

void asm_offsets(void)
{
    DEFINE(TRAMPOLINE_PARAMS_SIZE, sizeof(struct trampoline_params));
    DEFINE(TP_GDT_LIMIT, offsetof(struct trampoline_params, gdt_limit));
    DEFINE(TP_LONG_MODE_OFFSET, offsetof(struct trampoline_params, long_mode_offset));
    DEFINE(TP_CR3, offsetof(struct trampoline_params, cr3));
    DEFINE(TP_STACK_TOP, offsetof(struct trampoline_params, stack_top));
    DEFINE(TP_ENTRY, offsetof(struct trampoline_params, entry));
    DEFINE(TP_TOKEN, offsetof(struct trampoline_params, token));
    DEFINE(TP_HOLD_APIC_ID, offsetof(struct trampoline_params, hold_apic_id));
    DEFINE(TP_LATE_COUNT, offsetof(struct trampoline_params, late_count));
    DEFINE(TP_LATE_APIC_IDS, offsetof(struct trampoline_params, late_apic_ids));
    DEFINE(TRAMPOLINE_LATE_SLOTS_ASM, TRAMPOLINE_LATE_SLOTS);
    DEFINE(AP_TOKEN_OPEN_ASM, AP_TOKEN_OPEN);
    DEFINE(AP_TOKEN_CLAIMED_ASM, AP_TOKEN_CLAIMED);

    DEFINE(VCPU_RAX, offsetof(struct vcpu, arch.regs.rax));
    DEFINE(VCPU_RCX, offsetof(struct vcpu, arch.regs.rcx));
    DEFINE(VCPU_RDX, offsetof(struct vcpu, arch.regs.rdx));
    DEFINE(VCPU_RBX, offsetof(struct vcpu, arch.regs.rbx));
    DEFINE(VCPU_RBP, offsetof(struct vcpu, arch.regs.rbp));
    DEFINE(VCPU_RSI, offsetof(struct vcpu, arch.regs.rsi));
    DEFINE(VCPU_RDI, offsetof(struct vcpu, arch.regs.rdi));
    DEFINE(VCPU_R8, offsetof(struct vcpu, arch.regs.r8));
    DEFINE(VCPU_R9, offsetof(struct vcpu, arch.regs.r9));
    DEFINE(VCPU_R10, offsetof(struct vcpu, arch.regs.r10));
    DEFINE(VCPU_R11, offsetof(struct vcpu, arch.regs.r11));
    DEFINE(VCPU_R12, offsetof(struct vcpu, arch.regs.r12));
    DEFINE(VCPU_R13, offsetof(struct vcpu, arch.regs.r13));
    DEFINE(VCPU_R14, offsetof(struct vcpu, arch.regs.r14));
    DEFINE(VCPU_R15, offsetof(struct vcpu, arch.regs.r15));
    DEFINE(VCPU_LAUNCHED, offsetof(struct vcpu, arch.launched));
    DEFINE(VMCS_HOST_RSP_FIELD, VMCS_HOST_RSP);
}
