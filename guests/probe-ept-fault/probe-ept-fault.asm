; A probe guest that writes outside its memory: the hypervisor must stop it
; on the EPT violation, report the address, and carry on. Real mode, at 0x1000.

bits 16
org 0x1000

OUTSIDE_RAM_SEGMENT equ 0x2000  ; guest-physical 0x20000, past the 64 KiB of RAM

start:
    mov ax, OUTSIDE_RAM_SEGMENT
    mov ds, ax
    mov byte [0], 0x55
    hlt                         ; not reached
