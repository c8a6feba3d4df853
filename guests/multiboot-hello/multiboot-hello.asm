; A multiboot v1 test kernel in a flat file: its header uses the a.out
; kludge (flag 16), so the loader reads the load addresses from the header
; rather than from ELF program headers. It checks the entry state the
; multiboot spec promises (EAX magic, protected mode, paging off), prints
; what the information block says (memory sizes, memory map, command line,
; the module's first line, the loader's name) on the console port and
; reports status 0 on the exit port.

bits 32
org 0x100000

MULTIBOOT_MAGIC  equ 0x1badb002
MULTIBOOT_FLAGS  equ (1 << 1) | (1 << 16) ; memory information, a.out kludge
BOOTLOADER_MAGIC equ 0x2badb002
CONSOLE_PORT     equ 0xe9
EXIT_PORT        equ 0xf4

INFO_HAS_CMDLINE equ 1 << 2
INFO_HAS_MODS    equ 1 << 3
INFO_HAS_MMAP    equ 1 << 6
INFO_HAS_NAME    equ 1 << 9

header:
    dd MULTIBOOT_MAGIC
    dd MULTIBOOT_FLAGS
    dd -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)
    dd header                   ; header_addr
    dd header                   ; load_addr
    dd load_end                 ; load_end_addr
    dd bss_end                  ; bss_end_addr
    dd start                    ; entry_addr

start:
    mov esp, stack_top
    mov [info], ebx
    mov esi, pass_magic
    cmp eax, BOOTLOADER_MAGIC
    je .magic_checked
    mov esi, fail_magic
.magic_checked:
    call print
    mov esi, pass_paging
    mov eax, cr0
    test eax, 0x80000000
    jz .paging_checked
    mov esi, fail_paging
.paging_checked:
    call print
    call print_memory
    call print_map
    call print_cmdline
    call print_module
    call print_loader
    mov esi, done_message
    call print
    xor eax, eax
    out EXIT_PORT, al
    cli
    hlt

; "mem_lower 0x... KiB, mem_upper 0x... KiB" from the block's first words.
print_memory:
    mov ebx, [info]
    mov esi, mem_lower_label
    call print
    mov eax, [ebx + 4]
    call print_hex32
    mov esi, mem_upper_label
    call print
    mov eax, [ebx + 8]
    call print_hex32
    mov esi, kib_line_end
    jmp print

; One "mmap BASE LENGTH TYPE" line per entry; each entry starts with its
; size, which does not count the size word itself.
print_map:
    mov ebx, [info]
    test dword [ebx], INFO_HAS_MMAP
    jz .missing
    mov edi, [ebx + 48]         ; mmap_addr
    mov ecx, [ebx + 44]
    add ecx, edi                ; its end
.entry:
    cmp edi, ecx
    jae .done
    mov esi, mmap_label
    call print
    mov eax, [edi + 8]
    call print_hex32
    mov eax, [edi + 4]
    call print_hex32_digits
    mov esi, space
    call print
    mov eax, [edi + 16]
    call print_hex32
    mov eax, [edi + 12]
    call print_hex32_digits
    mov al, ' '
    out CONSOLE_PORT, al
    mov eax, [edi + 20]
    add al, '0'
    out CONSOLE_PORT, al
    mov al, 10
    out CONSOLE_PORT, al
    mov eax, [edi]
    lea edi, [edi + eax + 4]
    jmp .entry
.missing:
    mov esi, fail_mmap
    jmp print
.done:
    ret

print_cmdline:
    mov ebx, [info]
    test dword [ebx], INFO_HAS_CMDLINE
    jz .missing
    mov esi, cmdline_label
    call print
    mov esi, [ebx + 16]
    call print
    mov esi, line_end
    jmp print
.missing:
    mov esi, fail_cmdline
    jmp print

; The first line of the first module (the initrd), at most 64 bytes.
print_module:
    mov ebx, [info]
    test dword [ebx], INFO_HAS_MODS
    jz .missing
    cmp dword [ebx + 20], 1
    jb .missing
    mov esi, module_label
    call print
    mov edi, [ebx + 24]
    mov esi, [edi]              ; mod_start
    mov ecx, [edi + 4]          ; mod_end
    mov edx, 64
.byte:
    cmp esi, ecx
    jae .line_done
    dec edx
    js .line_done
    lodsb
    cmp al, 10
    je .line_done
    out CONSOLE_PORT, al
    jmp .byte
.line_done:
    mov esi, line_end
    jmp print
.missing:
    mov esi, fail_module
    jmp print

print_loader:
    mov ebx, [info]
    test dword [ebx], INFO_HAS_NAME
    jz .done
    mov esi, loader_label
    call print
    mov esi, [ebx + 64]
    call print
    mov esi, line_end
    jmp print
.done:
    ret

%include "guests/lib/print32.inc"

pass_magic:      db "PASS eax == 0x2badb002", 10, 0
fail_magic:      db "FAIL eax is not the multiboot magic", 10, 0
pass_paging:     db "PASS paging is off", 10, 0
fail_paging:     db "FAIL paging is on", 10, 0
fail_mmap:       db "FAIL no memory map", 10, 0
fail_cmdline:    db "FAIL no command line", 10, 0
fail_module:     db "FAIL no module", 10, 0
mem_lower_label: db "mem_lower ", 0
mem_upper_label: db " KiB, mem_upper ", 0
kib_line_end:    db " KiB", 10, 0
mmap_label:      db "mmap ", 0
space:           db " ", 0
cmdline_label:   db "cmdline '", 0
module_label:    db "module '", 0
loader_label:    db "loader '", 0
line_end:        db "'", 10, 0
done_message:    db "multiboot-hello: done", 10, 0

align 4
load_end:

; Not in the file: the loader zeroes it (bss_end_addr).
info:       equ load_end
stack_top:  equ load_end + 4 + 4096
bss_end:    equ stack_top
