; A trip to ring 3 for hc-conformance (user_mode.c sets up the GDT, TSS and
; page permissions it needs).

bits 64
default rel

section .text

; void ring3_enter(uint64_t rip, uint64_t rsp, uint64_t code_selector,
;                  uint64_t data_selector)
; IRETQ to rip in ring 3 with interrupts off. It never returns by itself:
; what runs there ends in an exception, which CATCH_FAULT turns into a
; return to ring 0.
global ring3_enter
ring3_enter:
    push rcx                    ; SS
    push rsi                    ; RSP
    push 0x2                    ; RFLAGS: IF clear
    push rdx                    ; CS
    push rdi                    ; RIP
    iretq

; Runs in ring 3: a null hypercall, which must raise #UD. Should it not,
; HLT raises #GP in ring 3, so the test sees the wrong exception instead of
; running on.
global ring3_vmcall
ring3_vmcall:
    xor eax, eax                ; HC_NULL
    vmcall
    hlt
