#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/nmi.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/vmcs.h"
#include "arch/x86_64/vmx_ops.h"
#include "hv/arch.h"
#include "hv/log.h"
#include "hv/partition.h"
#include "hv/power.h"

/* Layout pushed by isr.asm, lowest address first. */
struct exception_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* Every word of the frame in the order it is pushed: the CPU's own frame,
 * then what isr.asm pushes with the macros of exception_stubs.inc (the
 * error code and vector, then PUSH_GENERAL_REGISTERS). Change the pushes,
 * change this list: the asserts below tie the structure to it. */
enum exception_push {
    PUSHED_SS,
    PUSHED_RSP,
    PUSHED_RFLAGS,
    PUSHED_CS,
    PUSHED_RIP,
    PUSHED_ERROR_CODE,
    PUSHED_VECTOR,
    PUSHED_RAX,
    PUSHED_RBX,
    PUSHED_RCX,
    PUSHED_RDX,
    PUSHED_RSI,
    PUSHED_RDI,
    PUSHED_RBP,
    PUSHED_R8,
    PUSHED_R9,
    PUSHED_R10,
    PUSHED_R11,
    PUSHED_R12,
    PUSHED_R13,
    PUSHED_R14,
    PUSHED_R15,
    PUSHED_WORDS,
};

/* Each push lands one word below the one before: the last is at offset 0. */
#define PUSHED_AT(field, push)                                                                     \
    _Static_assert(offsetof(struct exception_frame, field) == (PUSHED_WORDS - 1 - (push)) * 8,     \
                   #field " is not where exception_stubs.inc pushes it")

PUSHED_AT(ss, PUSHED_SS);
PUSHED_AT(rsp, PUSHED_RSP);
PUSHED_AT(rflags, PUSHED_RFLAGS);
PUSHED_AT(cs, PUSHED_CS);
PUSHED_AT(rip, PUSHED_RIP);
PUSHED_AT(error_code, PUSHED_ERROR_CODE);
PUSHED_AT(vector, PUSHED_VECTOR);
PUSHED_AT(rax, PUSHED_RAX);
PUSHED_AT(rbx, PUSHED_RBX);
PUSHED_AT(rcx, PUSHED_RCX);
PUSHED_AT(rdx, PUSHED_RDX);
PUSHED_AT(rsi, PUSHED_RSI);
PUSHED_AT(rdi, PUSHED_RDI);
PUSHED_AT(rbp, PUSHED_RBP);
PUSHED_AT(r8, PUSHED_R8);
PUSHED_AT(r9, PUSHED_R9);
PUSHED_AT(r10, PUSHED_R10);
PUSHED_AT(r11, PUSHED_R11);
PUSHED_AT(r12, PUSHED_R12);
PUSHED_AT(r13, PUSHED_R13);
PUSHED_AT(r14, PUSHED_R14);
PUSHED_AT(r15, PUSHED_R15);
_Static_assert(sizeof(struct exception_frame) == PUSHED_WORDS * 8, "the frame is the pushes only");

void exception_handle(struct exception_frame *f);

/* cpu.h's CPU_FAULT_FIXUP entries, gathered by linker.ld. */
struct fault_fixup {
    uint64_t fault, resume;
};
extern const struct fault_fixup __extable_start[], __extable_end[];

/* vmexit.asm: leaves the exit handler's frames and returns from
 * vmx_enter_guest with VMX_ENTER_CONTAINED. */
extern const char vmx_exit_contained[];

static const char *exception_name(uint64_t vector)
{
    static const char *const names[32] = {
        "#DE divide error",
        "#DB debug",
        "NMI",
        "#BP breakpoint",
        "#OF overflow",
        "#BR bound range",
        "#UD invalid opcode",
        "#NM device not available",
        "#DF double fault",
        "coprocessor overrun",
        "#TS invalid TSS",
        "#NP segment not present",
        "#SS stack fault",
        "#GP general protection",
        "#PF page fault",
        "reserved",
        "#MF x87 error",
        "#AC alignment check",
        "#MC machine check",
        "#XM SIMD error",
        "#VE virtualization",
        "#CP control protection",
    };

    if (vector < 32 && names[vector])
        return names[vector];
    return "reserved";
}

/* A #GP or #UD at an instruction cpu.h marked as one that may fault: it
 * goes on at its resume address, and the wrapper reports the refusal. */
static bool apply_fault_fixup(struct exception_frame *f)
{
    if (f->vector != VECTOR_GP && f->vector != VECTOR_UD)
        return false;
    for (const struct fault_fixup *e = __extable_start; e < __extable_end; e++) {
        if (e->fault == f->rip) {
            f->rip = e->resume;
            return true;
        }
    }
    return false;
}

static void report_registers(const struct exception_frame *f)
{
    log_error("cpu%u: exception %llu (%s), error code 0x%llx", arch_cpu_index(),
              (unsigned long long)f->vector, exception_name(f->vector),
              (unsigned long long)f->error_code);
    log_line("  rip=%016llx cs=%04llx rflags=%08llx cr2=%016llx", (unsigned long long)f->rip,
             (unsigned long long)f->cs, (unsigned long long)f->rflags,
             (unsigned long long)cpu_read_cr2());
    log_line("  rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx", (unsigned long long)f->rax,
             (unsigned long long)f->rbx, (unsigned long long)f->rcx, (unsigned long long)f->rdx);
    log_line("  rsi=%016llx rdi=%016llx rbp=%016llx rsp=%016llx", (unsigned long long)f->rsi,
             (unsigned long long)f->rdi, (unsigned long long)f->rbp, (unsigned long long)f->rsp);
    log_line("  r8=%016llx r9=%016llx r10=%016llx r11=%016llx", (unsigned long long)f->r8,
             (unsigned long long)f->r9, (unsigned long long)f->r10, (unsigned long long)f->r11);
    log_line("  r12=%016llx r13=%016llx r14=%016llx r15=%016llx", (unsigned long long)f->r12,
             (unsigned long long)f->r13, (unsigned long long)f->r14, (unsigned long long)f->r15);
    if (stack_guard_contains(cpu_read_cr2()))
        log_error("cpu%u: stack overflow (cr2 is in a stack guard page)", arch_cpu_index());
}

/* A fault while this CPU handled a partition's VM exit and held no lock:
 * nothing shared is half-changed, so only that partition pays. Its vCPU
 * leaves the exit handler's frames as if VM entry had failed (the frames
 * below HOST_RSP are dropped), and the partition stops as crashed. */
static bool contain_to_partition(struct exception_frame *f)
{
    struct percpu *cpu = this_cpu();
    struct vcpu *v = cpu->handling_exit_of;

    if (!v || !v->partition || cpu->locks_held != 0 || f->vector == VECTOR_DF ||
        f->vector == VECTOR_MC)
        return false;
    cpu->handling_exit_of = 0;
    log_fault_report_begin();
    log_error("cpu%u: the hypervisor faulted handling an exit of partition %s: stopping it",
              cpu->index, partition_name(v->partition));
    report_registers(f);
    log_fault_report_end();
    f->rip = (uint64_t)(uintptr_t)vmx_exit_contained;
    f->rsp = vmcs_read(VMCS_HOST_RSP);
    return true;
}

/* Anything else is a broken invariant (a lock held, shared state half
 * changed): report everything a developer needs on every console, then
 * halt the whole machine (or reset it, with on_fault = reboot). */
static __attribute__((noreturn)) void report_and_halt(const struct exception_frame *f)
{
    /* A fault while reporting a fault: the framebuffer is the likeliest
     * culprit, so drop it, say so once on serial, and stop. */
    static volatile int reporting[MAX_CPUS];
    if (reporting[arch_cpu_index()]++) {
        log_use_framebuffer(0);
        log_error("cpu%u: fault while reporting a fault (vector %llu, rip %llx)", arch_cpu_index(),
                  (unsigned long long)f->vector, (unsigned long long)f->rip);
        nmi_halt_machine();
    }
    /* A hypervisor fault is never left to a partition to print. */
    log_take_back_console(0);
    log_fault_report_begin();
    report_registers(f);
    log_error("cpu%u stopped", arch_cpu_index());
    log_error("machine halted: the hypervisor faulted outside what one partition owns");
    log_fault_report_end();
    power_after_fault();
    nmi_halt_machine();
}

/* From isr.asm; returning resumes at f->rip with f->rsp. */
void exception_handle(struct exception_frame *f)
{
    if (apply_fault_fixup(f) || contain_to_partition(f))
        return;
    report_and_halt(f);
}
