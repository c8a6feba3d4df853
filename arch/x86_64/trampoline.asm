; AP start-up: the boot CPU copies this page below 1 MiB and sends
; INIT-SIPI-SIPI; the AP starts here in real mode at CS = page >> 4, IP = 0.
; It switches straight to long mode with the parameters the boot CPU wrote
; at TRAMPOLINE_PARAMS_OFFSET, claims its start (or parks when it is too
; late), then jumps to the C entry with its APIC id.

%include "asm_offsets.inc"

; r8d = this CPU's APIC id without a stack: the x2APIC id from CPUID 0xB
; where the CPU has that leaf, else the xAPIC id from CPUID 1.
%macro apic_id_to_r8 0
    xor eax, eax
    cpuid
    mov r9d, eax
    mov eax, 1
    cpuid
    shr ebx, 24
    mov r8d, ebx
    cmp r9d, 0xb
    jb %%done
    mov eax, 0xb
    xor ecx, ecx
    cpuid
    test ebx, ebx
    jz %%done
    mov r8d, edx
%%done:
%endmacro

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
    apic_id_to_r8

; Test hook: the AP named here waits until the boot CPU has given up on it.
.hold:
    cmp r8d, [rel params + TP_HOLD_APIC_ID]
    jne .claim
    mov rax, [rel params + TP_TOKEN]
    cmp eax, r8d
    jne .claim
    shr rax, 32
    cmp al, AP_TOKEN_OPEN_ASM
    jne .claim
    pause
    jmp .hold

; The hand-shake (ap_token.h): only an open token that names this AP may be
; claimed, and only by one compare-and-exchange; nothing shared is touched
; before it succeeds.
.claim:
    mov rax, [rel params + TP_TOKEN]
    cmp eax, r8d
    jne .park
    mov rcx, rax
    shr rcx, 32
    cmp cl, AP_TOKEN_OPEN_ASM
    jne .park
    mov rcx, rax
    mov rdx, (AP_TOKEN_OPEN_ASM ^ AP_TOKEN_CLAIMED_ASM) << 32
    xor rcx, rdx
    lock cmpxchg [rel params + TP_TOKEN], rcx
    jne .park
    mov rsp, [rel params + TP_STACK_TOP]
    mov edi, r8d
    mov rax, [rel params + TP_ENTRY]
    call rax
    jmp .stop

; Too late: leave a note in this page for the boot CPU, then stop for good.
.park:
    mov eax, 1
    lock xadd [rel params + TP_LATE_COUNT], eax
    cmp eax, TRAMPOLINE_LATE_SLOTS_ASM
    jae .stop
    lea rdx, [rel params + TP_LATE_APIC_IDS]
    mov [rdx + rax * 4], r8d
.stop:
    cli
    hlt
    jmp .stop
trampoline_end:
