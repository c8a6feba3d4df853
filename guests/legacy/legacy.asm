; A legacy guest in a flat image: the hypervisor loads it at 0x1000 and
; starts it in 16-bit real mode, as a PC would start a boot loader. It
; prints on the console port, switches itself to 32-bit protected mode with
; its own GDT, prints again and reports status 0 on the exit port.

bits 16
org 0x1000

CONSOLE_PORT equ 0xe9
EXIT_PORT    equ 0xf4
CODE32       equ 0x08
DATA32       equ 0x10

start:
    cli
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x9000
    mov si, real_mode_message
    call print16
    lgdt [gdt_pointer]
    mov eax, cr0
    or eax, 1                   ; PE
    mov cr0, eax
    jmp CODE32:protected_mode

print16:
    lodsb
    test al, al
    jz .done
    out CONSOLE_PORT, al
    jmp print16
.done:
    ret

bits 32
protected_mode:
    mov ax, DATA32
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, 0x9000
    mov esi, protected_mode_message
.print:
    lodsb
    test al, al
    jz .printed
    out CONSOLE_PORT, al
    jmp .print
.printed:
    xor eax, eax
    out EXIT_PORT, al
    cli
    hlt

real_mode_message:
    db "legacy: real mode", 10, 0
protected_mode_message:
    db "legacy: 32-bit protected mode", 10, 0

align 8
gdt:
    dq 0
    dq 0x00cf9a000000ffff       ; 32-bit code, flat
    dq 0x00cf92000000ffff       ; 32-bit data, flat
gdt_pointer:
    dw gdt_pointer - gdt - 1
    dd gdt
