; Exception entry stubs: push a uniform frame (vector, error code, all
; general-purpose registers) and hand it to exception_handle() in C. It
; returns only where the fault is expected or contained, having changed
; the frame's RIP (and RSP) to where the core goes on; otherwise it halts
; the machine. The NMI and the machine check have entries of their own.

bits 64
default rel

extern exception_handle

section .text

%include "exception_stubs.inc"

EXCEPTION_STUBS

; The frame is struct exception_frame: exceptions.c asserts its layout
; against these pushes (enum exception_push).
exception_common:
    PUSH_GENERAL_REGISTERS
    mov rdi, rsp                ; struct exception_frame *
    mov rbx, rsp                ; callee-saved: the frame across the call
    and rsp, -16
    cld
    call exception_handle
    mov rsp, rbx
    POP_GENERAL_REGISTERS
    add rsp, 16                 ; the vector and the error code
    iretq

; NMIs and machine checks return to the interrupted code, in the hypervisor
; as in the partition it was about to run: their handlers in C decide, and
; stop the CPU themselves when nothing may go on. The caller-saved
; registers are all the C call can change.
extern nmi_handle_root
extern machine_check_handle_root

; The caller-saved registers, and rbx, which keeps the stack pointer
; across the C call (it is callee-saved there) while rsp is aligned.
%macro PUSH_CALLER_SAVED 0
    push rax
    push rcx
    push rdx
    push rsi
    push rdi
    push r8
    push r9
    push r10
    push r11
    push rbx
%endmacro

%macro POP_CALLER_SAVED 0
    mov rsp, rbx
    pop rbx
    pop r11
    pop r10
    pop r9
    pop r8
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rax
%endmacro

%macro RETURNING_HANDLER 2
global %1
%1:
    PUSH_CALLER_SAVED
    mov rbx, rsp
    and rsp, -16
    cld
    call %2
    POP_CALLER_SAVED
    iretq
%endmacro

RETURNING_HANDLER nmi_entry, nmi_handle_root
RETURNING_HANDLER machine_check_entry, machine_check_handle_root

section .rodata
global exception_stubs
exception_stubs:
%assign v 0
%rep 32
    dq exception_%[v]
  %assign v v + 1
%endrep

; Interrupt entry stubs for vectors 32-255: save the caller-saved registers,
; hand the vector to interrupt_dispatch() in C, and return to the
; interrupted code (interrupts reach the hypervisor only while it waits in
; HLT for a halted guest).

extern interrupt_dispatch

section .text

%macro INTERRUPT 1
interrupt_%1:
    push %1
    jmp interrupt_common
%endmacro

%assign v 32
%rep 224
    INTERRUPT %[v]
  %assign v v + 1
%endrep

interrupt_common:
    PUSH_CALLER_SAVED
    mov rdi, [rsp + 80]         ; the vector pushed by the stub
    mov rbx, rsp
    and rsp, -16
    call interrupt_dispatch
    POP_CALLER_SAVED
    add rsp, 8                  ; the vector
    iretq

section .rodata
global interrupt_stubs
interrupt_stubs:
%assign v 32
%rep 224
    dq interrupt_%[v]
  %assign v v + 1
%endrep
