#include "guests/lib/exceptions.h"

#include "guests/lib/console.h"
#include "arch/x86_64/cpu.h"
#include "guests/lib/runtime.h"
#include "include/bulkhead/guest_abi.h"

#include <stddef.h>

_Static_assert(sizeof(struct exception_frame) == 22 * 8, "isr.asm pushes 22 words");
_Static_assert(offsetof(struct exception_frame, vector) == 15 * 8, "15 registers, then vector");

#define GATE_INTERRUPT_PRESENT 0x8e /* present, DPL 0, 64-bit interrupt gate */

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attributes;
    uint16_t offset_middle;
    uint32_t offset_high;
    uint32_t reserved;
};

_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gates are 16 bytes");

#define IDT_VECTORS 256

extern const uint64_t exception_stubs[IDT_VECTORS]; /* isr.asm */

static struct idt_gate idt[IDT_VECTORS];
static interrupt_handler interrupt_handlers[IDT_VECTORS];

struct fault_catcher fault_catcher;

static struct idt_gate interrupt_gate(uint64_t handler)
{
    return (struct idt_gate){
        .offset_low = (uint16_t)handler,
        .selector = GUEST_SELECTOR_CODE,
        .type_attributes = GATE_INTERRUPT_PRESENT,
        .offset_middle = (uint16_t)(handler >> 16),
        .offset_high = (uint32_t)(handler >> 32),
    };
}

void exceptions_init(void)
{
    for (unsigned v = 0; v < IDT_VECTORS; v++)
        idt[v] = interrupt_gate(exception_stubs[v]);
    struct cpu_table_pointer idtr = {.limit = sizeof(idt) - 1, .base = (uint64_t)idt};
    cpu_load_idt(&idtr);
}

const char *exception_name(uint64_t vector)
{
    static const char *const names[EXCEPTION_VECTORS] = {
        [0] = "#DE",  [1] = "#DB",  [2] = "NMI",  [3] = "#BP",  [4] = "#OF",  [5] = "#BR",
        [6] = "#UD",  [7] = "#NM",  [8] = "#DF",  [10] = "#TS", [11] = "#NP", [12] = "#SS",
        [13] = "#GP", [14] = "#PF", [16] = "#MF", [17] = "#AC", [18] = "#MC", [19] = "#XM",
        [20] = "#VE", [21] = "#CP", [28] = "#HV", [29] = "#VC", [30] = "#SX",
    };
    if (vector < EXCEPTION_VECTORS && names[vector] != NULL)
        return names[vector];
    return "#??";
}

void fault_catch_arm(void)
{
    fault_catcher.caught = false;
    fault_catcher.armed = true;
}

void fault_catch_disarm(void)
{
    fault_catcher.armed = false;
}

/* Makes IRETQ return from fault_resume_point() again, with 1. */
static void resume_after_fault(struct exception_frame *frame)
{
    const uint64_t *saved = fault_catcher.resume;

    fault_catcher.armed = false;
    fault_catcher.caught = true;
    fault_catcher.vector = frame->vector;
    fault_catcher.error_code = frame->error_code;
    fault_catcher.rip = frame->rip;

    frame->rbx = saved[FAULT_RESUME_RBX];
    frame->rbp = saved[FAULT_RESUME_RBP];
    frame->r12 = saved[FAULT_RESUME_R12];
    frame->r13 = saved[FAULT_RESUME_R13];
    frame->r14 = saved[FAULT_RESUME_R14];
    frame->r15 = saved[FAULT_RESUME_R15];
    frame->rsp = saved[FAULT_RESUME_RSP];
    frame->rip = saved[FAULT_RESUME_RIP];
    frame->rax = 1;
    /* The fault may have come from ring 3 (a test's user-mode excursion):
     * the resume point is ring-0 code on the ring-0 stack. */
    frame->cs = GUEST_SELECTOR_CODE;
    frame->ss = GUEST_SELECTOR_DATA;
}

static _Noreturn void report_unexpected(const struct exception_frame *frame)
{
    static bool reporting;

    /* A fault while reporting one would recurse: just stop. */
    if (reporting)
        guest_exit(GUEST_STATUS_UNEXPECTED_FAULT);
    reporting = true;
    printf("unexpected %s (vector %llu) error 0x%llx at rip 0x%llx\n",
           exception_name(frame->vector), (unsigned long long)frame->vector,
           (unsigned long long)frame->error_code, (unsigned long long)frame->rip);
    if (frame->vector == VECTOR_PF)
        printf("page fault address 0x%llx\n", (unsigned long long)cpu_read_cr2());
    guest_exit(GUEST_STATUS_UNEXPECTED_FAULT);
}

void interrupt_set_handler(uint8_t vector, interrupt_handler handler)
{
    interrupt_handlers[vector] = handler;
}

void exception_dispatch(struct exception_frame *frame)
{
    bool interrupt = frame->vector >= EXCEPTION_VECTORS || frame->vector == VECTOR_NMI;
    if (interrupt && interrupt_handlers[frame->vector]) {
        interrupt_handlers[frame->vector]((uint8_t)frame->vector);
        return;
    }
    if (fault_catcher.armed)
        resume_after_fault(frame);
    else
        report_unexpected(frame);
}
