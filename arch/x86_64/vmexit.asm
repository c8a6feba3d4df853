; Guest entry and the VM-exit stub. vmx_enter_guest() saves the host's
; callee-saved registers and leaves the vcpu pointer on top of its frame;
; HOST_RSP points at that slot, so every VM exit lands in vmx_exit_entry with
; the vcpu one load away. The C dispatcher decides: resume the guest, or
; unwind to vmx_enter_guest's caller.

%include "asm_offsets.inc"

bits 64
default rel

extern vmexit_dispatch
global vmx_enter_guest, vmx_exit_entry, vmx_exit_contained

section .text

%macro LOAD_GUEST_REGS 0            ; rdi = vcpu; rdi itself last
    mov rax, [rdi + VCPU_RAX]
    mov rcx, [rdi + VCPU_RCX]
    mov rdx, [rdi + VCPU_RDX]
    mov rbx, [rdi + VCPU_RBX]
    mov rbp, [rdi + VCPU_RBP]
    mov rsi, [rdi + VCPU_RSI]
    mov r8,  [rdi + VCPU_R8]
    mov r9,  [rdi + VCPU_R9]
    mov r10, [rdi + VCPU_R10]
    mov r11, [rdi + VCPU_R11]
    mov r12, [rdi + VCPU_R12]
    mov r13, [rdi + VCPU_R13]
    mov r14, [rdi + VCPU_R14]
    mov r15, [rdi + VCPU_R15]
    mov rdi, [rdi + VCPU_RDI]
%endmacro

; int vmx_enter_guest(struct vcpu *vcpu)
vmx_enter_guest:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    push rdi                        ; the vcpu, found again at every exit
    mov rax, VMCS_HOST_RSP_FIELD
    vmwrite rax, rsp
    jbe .failed
    cmp qword [rdi + VCPU_LAUNCHED], 0
    jne .resume
    LOAD_GUEST_REGS
    vmlaunch
    jmp .failed                     ; only reached when VMLAUNCH failed
.resume:
    LOAD_GUEST_REGS
    vmresume
.failed:
    mov eax, 1
    jmp unwind

vmx_exit_entry:
    push rdi                        ; guest rdi; the vcpu pointer is above it
    mov rdi, [rsp + 8]
    mov [rdi + VCPU_RAX], rax
    mov [rdi + VCPU_RCX], rcx
    mov [rdi + VCPU_RDX], rdx
    mov [rdi + VCPU_RBX], rbx
    mov [rdi + VCPU_RBP], rbp
    mov [rdi + VCPU_RSI], rsi
    mov [rdi + VCPU_R8], r8
    mov [rdi + VCPU_R9], r9
    mov [rdi + VCPU_R10], r10
    mov [rdi + VCPU_R11], r11
    mov [rdi + VCPU_R12], r12
    mov [rdi + VCPU_R13], r13
    mov [rdi + VCPU_R14], r14
    mov [rdi + VCPU_R15], r15
    pop rax
    mov [rdi + VCPU_RDI], rax
    mov qword [rdi + VCPU_LAUNCHED], 1
    call vmexit_dispatch            ; rsp is 16-byte aligned here
    mov rdi, [rsp]
    test eax, eax
    jz .stop
    LOAD_GUEST_REGS
    vmresume
    mov eax, 1                      ; VMRESUME failed
    jmp unwind
.stop:
    xor eax, eax
    jmp unwind

; exceptions.c resumes here, with RSP at HOST_RSP, when the hypervisor
; faulted handling this vCPU's exit and the fault is contained.
vmx_exit_contained:
    mov eax, 2

unwind:
    pop rdi
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret
