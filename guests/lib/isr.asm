; Exception entry stubs and the resume point used to survive an expected
; fault. Each stub pushes a uniform frame (vector, error code, all
; general-purpose registers: struct exception_frame in exceptions.h) and calls
; exception_dispatch() in C. That either rewrites the frame to resume at a
; saved point or stops the guest; the stub then restores the frame and IRETQs.

bits 64
default rel

extern exception_dispatch

section .text

%include "exception_stubs.inc"

EXCEPTION_STUBS

; In 64-bit mode the CPU aligns RSP to 16 bytes before pushing its 5-word
; frame; with the error code, the vector and 15 registers the total stays a
; multiple of 16, so the call below sees the alignment the ABI expects.
exception_common:
    PUSH_GENERAL_REGISTERS
    mov rdi, rsp                ; struct exception_frame *
    cld
    call exception_dispatch
    POP_GENERAL_REGISTERS
    add rsp, 16                 ; vector and error code
    iretq

; int fault_resume_point(uint64_t slots[FAULT_RESUME_SLOTS])
; Like setjmp: records what a call must preserve (SysV: RBX RBP R12-R15), the
; stack pointer after this call returns and the return address, in the order
; of enum fault_resume_slot, then returns 0. After a caught fault the
; dispatcher loads these into the interrupted frame with RAX = 1, so IRETQ
; makes this call return a second time, with 1.
global fault_resume_point
fault_resume_point:
    mov [rdi + 0 * 8], rbx
    mov [rdi + 1 * 8], rbp
    mov [rdi + 2 * 8], r12
    mov [rdi + 3 * 8], r13
    mov [rdi + 4 * 8], r14
    mov [rdi + 5 * 8], r15
    lea rax, [rsp + 8]
    mov [rdi + 6 * 8], rax
    mov rax, [rsp]
    mov [rdi + 7 * 8], rax
    xor eax, eax
    ret

; Interrupt vectors 32-255 share the exception frame (error code 0), so one
; dispatcher serves both.
%assign v 32
%rep 224
    EXCEPTION_NO_CODE %[v]
  %assign v v + 1
%endrep

section .rodata
global exception_stubs
exception_stubs:
%assign v 0
%rep 256
    dq exception_%[v]
  %assign v v + 1
%endrep
