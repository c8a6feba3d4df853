; Core entry from the UEFI stub: interrupts off, long mode, the stub's page
; tables (identity map plus the core at its link address), RDI = physical
; address of struct boot_info. Leave the firmware's stack at once.

bits 64
default rel

extern core_main

section .text.entry progbits alloc exec nowrite align=16
global core_entry
core_entry:
    cli
    cld
    lea rsp, [boot_stack_top]
    xor ebp, ebp
    call core_main              ; never returns
.stop:
    hlt
    jmp .stop

section .bss nobits alloc noexec write align=16
boot_stack:
    resb 16384
boot_stack_top:
