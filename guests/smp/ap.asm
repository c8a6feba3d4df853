; The application processor's first code: the boot vCPU copies it to a page
; below 1 MiB and starts vCPU 1 there with INIT-SIPI-SIPI. In real mode it
; says it runs, turns its local APIC to x2APIC mode, installs a handler for
; SMP_IPI_VECTOR and waits in HLT for the boot vCPU's IPIs, counting them.
; Position independent: it runs at CS:0 whatever page it was copied to.

bits 16

SMP_IPI_VECTOR   equ 0x40
SMP_AP_ALIVE     equ 0x7000      ; dword flags the boot vCPU polls
SMP_AP_IPI_COUNT equ 0x7004
CONSOLE_PORT     equ 0xe9
MSR_APIC_BASE    equ 0x1b
APIC_BASE_X2APIC equ 1 << 10
MSR_X2APIC_SVR   equ 0x80f
MSR_X2APIC_EOI   equ 0x80b

section .rodata
global smp_ap_start, smp_ap_end

smp_ap_start:
    cli
    mov ax, cs
    mov ds, ax
    xor ax, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x6ff0
    mov si, message - smp_ap_start
.print:
    lodsb
    test al, al
    jz .printed
    out CONSOLE_PORT, al
    jmp .print
.printed:
    mov word [es:SMP_IPI_VECTOR * 4], on_ipi - smp_ap_start
    mov [es:SMP_IPI_VECTOR * 4 + 2], cs
    mov ecx, MSR_APIC_BASE
    rdmsr
    or eax, APIC_BASE_X2APIC
    wrmsr
    mov ecx, MSR_X2APIC_SVR      ; software-enable the APIC, spurious vector 0xff
    mov eax, 0x1ff
    xor edx, edx
    wrmsr
    mov dword [es:SMP_AP_ALIVE], 1
.wait:
    sti
    hlt
    jmp .wait

on_ipi:
    push eax
    push ecx
    push edx
    inc dword [es:SMP_AP_IPI_COUNT]
    mov ecx, MSR_X2APIC_EOI
    xor eax, eax
    xor edx, edx
    wrmsr
    pop edx
    pop ecx
    pop eax
    iret

message:
    db "ap: vcpu1 runs in real mode", 10, 0
smp_ap_end:
