/*
 * The guest's exception handlers: an IDT for the 32 exception vectors.
 *
 * An exception nobody expected prints its vector, error code and RIP and
 * stops the guest with GUEST_STATUS_UNEXPECTED_FAULT. To survive one on
 * purpose, run the risky statement through CATCH_FAULT(): it works like
 * setjmp/longjmp. fault_resume_point() saves the caller's callee-saved
 * registers, stack pointer and return address; if the statement raises any
 * exception, the handler records it and rewrites the interrupted frame so
 * that IRETQ returns from fault_resume_point() a second time, with 1. The
 * statement is abandoned where it faulted and the caller goes on. No
 * instruction lengths to know, and it works for any statement. As with
 * setjmp(), a local variable the statement assigns must be volatile; gcc's
 * -Wclobbered names any other that needs it.
 */
#ifndef GUESTS_LIB_EXCEPTIONS_H
#define GUESTS_LIB_EXCEPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#define VECTOR_DE         0
#define VECTOR_DB         1
#define VECTOR_NMI        2
#define VECTOR_BP         3
#define VECTOR_UD         6
#define VECTOR_DF         8
#define VECTOR_GP         13
#define VECTOR_PF         14
#define EXCEPTION_VECTORS 32

/* The frame isr.asm builds, lowest address first (the reverse of its pushes). */
struct exception_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* The order in which fault_resume_point() (isr.asm) saves registers. */
enum fault_resume_slot {
    FAULT_RESUME_RBX,
    FAULT_RESUME_RBP,
    FAULT_RESUME_R12,
    FAULT_RESUME_R13,
    FAULT_RESUME_R14,
    FAULT_RESUME_R15,
    FAULT_RESUME_RSP,
    FAULT_RESUME_RIP,
    FAULT_RESUME_SLOTS,
};

struct fault_catcher {
    uint64_t resume[FAULT_RESUME_SLOTS];
    bool armed;  /* a CATCH_FAULT statement is running */
    bool caught; /* the last CATCH_FAULT statement raised an exception */
    uint64_t vector, error_code, rip;
};

extern struct fault_catcher fault_catcher;

/* Builds the IDT and loads it. */
void exceptions_init(void);

/* Interrupts (vectors 32-255) and the NMI go to the handler set for their
 * vector; one without a handler is reported like an unexpected exception. */
typedef void (*interrupt_handler)(uint8_t vector);
void interrupt_set_handler(uint8_t vector, interrupt_handler handler);

/* "#GP" for 13, and so on; "#??" for vectors with no name. */
const char *exception_name(uint64_t vector);

/* Called by isr.asm for every exception. */
void exception_dispatch(struct exception_frame *frame);

int fault_resume_point(uint64_t resume[FAULT_RESUME_SLOTS]) __attribute__((returns_twice));
void fault_catch_arm(void);
void fault_catch_disarm(void);

/* Runs statement; afterwards fault_catcher.caught says whether it faulted. */
#define CATCH_FAULT(statement)                                                                     \
    do {                                                                                           \
        if (fault_resume_point(fault_catcher.resume) == 0) {                                       \
            fault_catch_arm();                                                                     \
            statement;                                                                             \
        }                                                                                          \
        fault_catch_disarm();                                                                      \
    } while (0)

#endif
