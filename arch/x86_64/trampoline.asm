; AP start-up: the boot CPU copies this page below 1 MiB and sends
; INIT-SIPI-SIPI; the AP starts here in real mode at CS = page >> 4, IP = 0.
; It switches straight to long mode with the parameters the boot CPU wrote
; at TRAMPOLINE_PARAMS_OFFSET, then jumps to the C entry.

%include "asm_offsets.inc"

bits 16
section .rodata
global trampoline_start, trampoline_long_mode, trampoline_end

trampoline_start:
    jmp short real_mode
    align 8, db 0
params:
    times TRAMPOLINE_PARAMS_SIZE db 0

real_mode:
    cli
    cld
    mov ax, cs
    mov ds, ax
    lgdt [params - trampoline_start + TP_GDT_LIMIT]
    mov eax, cr4
    or eax, (1 << 5)            ; PAE
    mov cr4, eax
    mov eax, [params - trampoline_start + TP_CR3]
    mov cr3, eax
    mov ecx, 0xc0000080         ; IA32_EFER
    rdmsr
    or eax, (1 << 8) | (1 << 11) ; LME, NXE
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) | (1 << 5) | 1 ; PG, WP, NE, PE
    mov cr0, eax
    jmp dword far [params - trampoline_start + TP_LONG_MODE_OFFSET]

bits 64
trampoline_long_mode:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    mov rsp, [rel params + TP_STACK_TOP]
    mov rdi, [rel params + TP_ARG]
    mov rax, [rel params + TP_ENTRY]
    call rax
.stop:
    cli
    hlt
    jmp .stop
trampoline_end:
