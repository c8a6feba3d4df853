; The first tiny guest, run on every CPU right after VMXON: it proves that a
; VM entry works and that the exits Bulkhead handles come back right. Real
; mode, loaded at 0x1000 by the hypervisor (unrestricted guest).
;
;   CPUID  leaf 1; the hypervisor must hide the VMX feature bit
;   VMCALL reports the magic 'PROB' in EAX and what CPUID showed in EBX
;   OUT    writes PROBE_IO_VALUE to the POST port
;   HLT    done

bits 16
org 0x1000

PROBE_MAGIC    equ 0x50524f42
POST_PORT      equ 0x80
PROBE_IO_VALUE equ 0x42

start:
    mov eax, 1
    xor ecx, ecx
    cpuid
    mov ebx, ecx
    mov eax, PROBE_MAGIC
    vmcall
    mov al, PROBE_IO_VALUE
    out POST_PORT, al
    hlt
    jmp start                   ; not reached: HLT ends the probe
