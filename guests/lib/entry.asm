; Entry point of a Bulkhead-aware guest (see include/bulkhead/guest_abi.h for the state it
; starts in): set up the runtime, run guest_main(boot info) and report what it
; returns as the partition's exit status.

bits 64
default rel

extern runtime_init
extern guest_main
extern guest_exit

section .text.entry progbits alloc exec nowrite align=16
global _start
_start:
    ; Only the boot vCPU runs the guest: any other vCPU would share its stack.
    test rsi, rsi
    jnz .halt
    ; RSP is GUEST_STACK_TOP, 16-byte aligned, so each call below sees the
    ; alignment the SysV ABI promises. RBX is callee-saved: it keeps the boot
    ; info pointer across the calls.
    mov rbx, rdi
    xor ebp, ebp                ; ends the frame-pointer chain for debuggers
    call runtime_init
    mov rdi, rbx
    call guest_main
    mov edi, eax
    call guest_exit             ; the partition stops on the exit port write
.halt:
    cli                         ; not reached unless the exit port is ignored
    hlt
    jmp .halt
