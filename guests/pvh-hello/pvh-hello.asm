; A tiny kernel with Linux's PVH entry: an ELF64 file written out by hand
; (header, a PT_LOAD and a PT_NOTE program header, the "Xen" note of type
; PHYS32_ENTRY) whose code starts in 32-bit protected mode with paging off
; and EBX pointing at hvm_start_info. It prints the start info's memory
; map, command line, first module and RSDP address on the console port and
; reports status 0 on the exit port.

CONSOLE_PORT equ 0xe9
EXIT_PORT    equ 0xf4
LOAD_ADDRESS equ 0x100000
CODE_OFFSET  equ 0x1000
START_MAGIC  equ 0x336ec578

; ---- ELF64 header and program headers -----------------------------------------
bits 64
elf_header:
    db 0x7f, "ELF", 2, 1, 1, 0  ; 64-bit, little-endian, version 1
    times 8 db 0
    dw 2                        ; ET_EXEC
    dw 62                       ; EM_X86_64
    dd 1
    dq 0xffffffff80000000 + LOAD_ADDRESS ; e_entry: virtual, not used by PVH
    dq program_headers          ; e_phoff
    dq 0                        ; e_shoff
    dd 0
    dw 64                       ; e_ehsize
    dw 56                       ; e_phentsize
    dw 2                        ; e_phnum
    dw 64, 0, 0                 ; e_shentsize, e_shnum, e_shstrndx

program_headers:
    dd 1, 5                     ; PT_LOAD, read + execute
    dq CODE_OFFSET              ; p_offset
    dq 0xffffffff80000000 + LOAD_ADDRESS ; p_vaddr
    dq LOAD_ADDRESS             ; p_paddr
    dq code_size, code_size + 4096 ; p_filesz, p_memsz (a stack after it)
    dq 0x1000
    dd 4, 4                     ; PT_NOTE, read
    dq note                     ; p_offset
    dq 0, 0
    dq note_size, note_size
    dq 4

note:
    dd 4, 8, 18                 ; namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY
    db "Xen", 0
    dq entry32
note_size equ $ - note

    times CODE_OFFSET - ($ - $$) db 0

; ---- the code, at its physical address ----------------------------------------
section code vstart=LOAD_ADDRESS follows=.text
bits 32
entry32:
    mov esp, stack_top
    mov esi, pass_start_info
    cmp ebx, 0x7000
    jne .bad_start_info
    cmp dword [ebx], START_MAGIC
    je .start_info_checked
.bad_start_info:
    mov esi, fail_start_info
.start_info_checked:
    call print
    mov esi, pass_paging
    mov eax, cr0
    test eax, 0x80000000
    jz .paging_checked
    mov esi, fail_paging
.paging_checked:
    call print
    call print_map
    mov esi, cmdline_label
    call print
    mov esi, [ebx + 24]         ; cmdline_paddr
    call print
    mov esi, line_end
    call print
    call print_module
    mov esi, rsdp_label
    call print
    mov eax, [ebx + 36]
    call print_hex32
    mov eax, [ebx + 32]         ; rsdp_paddr
    call print_hex32_digits
    mov al, 10
    out CONSOLE_PORT, al
    mov esi, done_message
    call print
    xor eax, eax
    out EXIT_PORT, al
    cli
    hlt

; One "memmap ADDR SIZE TYPE" line per hvm_memmap_table_entry.
print_map:
    mov edi, [ebx + 40]         ; memmap_paddr
    mov ecx, [ebx + 48]         ; memmap_entries
.entry:
    test ecx, ecx
    jz .done
    mov esi, memmap_label
    call print
    mov eax, [edi + 4]
    call print_hex32
    mov eax, [edi]
    call print_hex32_digits
    mov al, ' '
    out CONSOLE_PORT, al
    mov eax, [edi + 12]
    call print_hex32
    mov eax, [edi + 8]
    call print_hex32_digits
    mov al, ' '
    out CONSOLE_PORT, al
    mov eax, [edi + 16]
    add al, '0'
    out CONSOLE_PORT, al
    mov al, 10
    out CONSOLE_PORT, al
    add edi, 24
    dec ecx
    jmp .entry
.done:
    ret

; The first module's first line, at most 64 bytes.
print_module:
    mov esi, module_label
    call print
    cmp dword [ebx + 12], 1     ; nr_modules
    jb .done
    mov edi, [ebx + 16]         ; modlist_paddr
    mov esi, [edi]
    mov ecx, [edi + 8]
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
    mov esi, line_end
    jmp print

%include "guests/lib/print32.inc"

pass_start_info: db "PASS ebx == hvm_start_info at 0x7000", 10, 0
fail_start_info: db "FAIL ebx is not hvm_start_info", 10, 0
pass_paging:     db "PASS paging is off", 10, 0
fail_paging:     db "FAIL paging is on", 10, 0
memmap_label:    db "memmap ", 0
cmdline_label:   db "cmdline '", 0
module_label:    db "module '", 0
line_end:        db "'", 10, 0
rsdp_label:      db "rsdp ", 0
done_message:    db "pvh-hello: done", 10, 0
code_size equ $ - entry32
stack_top equ LOAD_ADDRESS + code_size + 4096
