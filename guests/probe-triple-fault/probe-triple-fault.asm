; A probe guest that triple-faults: with an empty interrupt table the
; breakpoint becomes #GP, then #DF, then a shutdown. The hypervisor must stop
; the guest with a report, not the machine. Real mode, at 0x1000.

bits 16
org 0x1000

start:
    lidt [empty_idt]
    int3
    hlt                         ; not reached

empty_idt:
    dw 0                        ; limit 0: no vector is reachable
    dd 0
