; A tiny kernel in Linux's bzImage format: a setup header (boot protocol
; 2.15, 64-bit entry, relocatable) and a protected-mode part whose 64-bit
; entry, 0x200 bytes in, is position-independent. It checks the entry
; state of the 64-bit boot protocol (long mode, CS = 0x10, DS = 0x18, RSI
; = the zero page), prints the zero page's E820 map, command line, initrd
; and RSDP address on the console port and reports status 0 on the exit
; port.

CONSOLE_PORT equ 0xe9
EXIT_PORT    equ 0xf4
SETUP_SECTS  equ 1

; ---- boot sector and setup header (file offsets) ----------------------------
bits 16
    times 0x1f1 - ($ - $$) db 0
    db SETUP_SECTS              ; 0x1f1 setup_sects
    times 0x1fe - ($ - $$) db 0
    dw 0xaa55                   ; 0x1fe boot_flag
    db 0xeb, header_end - 0x202 ; 0x200 jump over the header
    db "HdrS"                   ; 0x202
    dw 0x020f                   ; 0x206 version 2.15
    times 0x211 - ($ - $$) db 0
    db 0x01                     ; 0x211 loadflags: LOADED_HIGH
    times 0x22c - ($ - $$) db 0
    dd 0x7fffffff               ; 0x22c initrd_addr_max
    dd 0x200000                 ; 0x230 kernel_alignment
    db 1                        ; 0x234 relocatable_kernel
    db 21                       ; 0x235 min_alignment
    dw 0x0001                   ; 0x236 xloadflags: XLF_KERNEL_64
    dd 255                      ; 0x238 cmdline_size
    times 0x258 - ($ - $$) db 0
    dq 0x1000000                ; 0x258 pref_address
    dd 0x10000                  ; 0x260 init_size
header_end equ 0x268
    times (SETUP_SECTS + 1) * 512 - ($ - $$) db 0

; ---- the protected-mode kernel, loaded wherever the loader chose ---------------
kernel:
bits 32
    hlt                         ; the 32-bit entry: not used
    jmp kernel
    times 0x200 - ($ - kernel) db 0

bits 64
default rel
entry64:
    lea rsp, [stack_top]
    mov rbx, rsi
    lea rsi, [pass_rsi]
    cmp rbx, 0x7000
    je .rsi_checked
    lea rsi, [fail_rsi]
.rsi_checked:
    call print
    lea rsi, [pass_segments]
    mov ax, cs
    cmp ax, 0x10
    jne .bad_segments
    mov ax, ds
    cmp ax, 0x18
    je .segments_checked
.bad_segments:
    lea rsi, [fail_segments]
.segments_checked:
    call print
    call print_e820
    lea rsi, [cmdline_label]
    call print
    mov esi, [rbx + 0x228]      ; cmd_line_ptr
    call print
    lea rsi, [line_end]
    call print
    call print_initrd
    lea rsi, [rsdp_label]
    call print
    mov rax, [rbx + 0x70]       ; acpi_rsdp_addr
    call print_hex64
    mov al, 10
    out CONSOLE_PORT, al
    lea rsi, [done_message]
    call print
    xor eax, eax
    out EXIT_PORT, al
    cli
    hlt

print_e820:
    movzx ecx, byte [rbx + 0x1e8]
    lea rdi, [rbx + 0x2d0]
.entry:
    test ecx, ecx
    jz .done
    lea rsi, [e820_label]
    call print
    mov rax, [rdi]
    call print_hex64
    mov al, ' '
    out CONSOLE_PORT, al
    mov rax, [rdi + 8]
    call print_hex64
    mov al, ' '
    out CONSOLE_PORT, al
    mov eax, [rdi + 16]
    add al, '0'
    out CONSOLE_PORT, al
    mov al, 10
    out CONSOLE_PORT, al
    add rdi, 20
    dec ecx
    jmp .entry
.done:
    ret

; The initrd's first line, at most 64 bytes.
print_initrd:
    lea rsi, [initrd_label]
    call print
    mov esi, [rbx + 0x218]      ; ramdisk_image
    mov ecx, [rbx + 0x21c]      ; ramdisk_size
    cmp ecx, 64
    jbe .byte
    mov ecx, 64
.byte:
    test ecx, ecx
    jz .done
    lodsb
    cmp al, 10
    je .done
    out CONSOLE_PORT, al
    dec ecx
    jmp .byte
.done:
    lea rsi, [line_end]
    jmp print

print:
    lodsb
    test al, al
    jz .done
    out CONSOLE_PORT, al
    jmp print
.done:
    ret

; RAX as "0x" and 16 hex digits.
print_hex64:
    push rcx
    mov rdx, rax
    mov al, '0'
    out CONSOLE_PORT, al
    mov al, 'x'
    out CONSOLE_PORT, al
    mov ecx, 16
.digit:
    rol rdx, 4
    mov al, dl
    and al, 0x0f
    add al, '0'
    cmp al, '9'
    jbe .out
    add al, 'a' - '9' - 1
.out:
    out CONSOLE_PORT, al
    dec ecx
    jnz .digit
    pop rcx
    ret

pass_rsi:      db "PASS rsi == the zero page at 0x7000", 10, 0
fail_rsi:      db "FAIL rsi is not the zero page", 10, 0
pass_segments: db "PASS cs == 0x10 and ds == 0x18 in long mode", 10, 0
fail_segments: db "FAIL segments are not the boot protocol's", 10, 0
e820_label:    db "e820 ", 0
cmdline_label: db "cmdline '", 0
initrd_label:  db "initrd '", 0
line_end:      db "'", 10, 0
rsdp_label:    db "rsdp ", 0
done_message:  db "bzimage-hello: done", 10, 0

align 16
    times 1024 db 0
stack_top:
