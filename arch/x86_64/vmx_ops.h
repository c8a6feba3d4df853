/*
 * The only home of inline assembly for VMX instructions. Every wrapper
 * reports failure (CF or ZF set, SDM Vol. 3C 31.2) to its caller; vmcs_read()
 * and vmcs_write() treat a failure as a hypervisor bug and panic with the
 * field and the caller, because a VMREAD/VMWRITE of a valid field on the
 * current VMCS cannot fail.
 */
#ifndef ARCH_X86_64_VMX_OPS_H
#define ARCH_X86_64_VMX_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/vmcs.h"

/* true when the instruction succeeded (neither CF nor ZF set) */
static inline bool vmx_on(uint64_t vmxon_region_phys)
{
    uint8_t failed;
    __asm__ volatile("vmxon %1; setbe %0"
                     : "=qm"(failed)
                     : "m"(vmxon_region_phys)
                     : "cc", "memory");
    return !failed;
}

static inline bool vmx_off(void)
{
    uint8_t failed;
    __asm__ volatile("vmxoff; setbe %0" : "=qm"(failed)::"cc", "memory");
    return !failed;
}

static inline bool vmx_clear(uint64_t vmcs_phys)
{
    uint8_t failed;
    __asm__ volatile("vmclear %1; setbe %0" : "=qm"(failed) : "m"(vmcs_phys) : "cc", "memory");
    return !failed;
}

static inline bool vmx_load(uint64_t vmcs_phys)
{
    uint8_t failed;
    __asm__ volatile("vmptrld %1; setbe %0" : "=qm"(failed) : "m"(vmcs_phys) : "cc", "memory");
    return !failed;
}

static inline bool vmx_read_safe(enum vmcs_field field, uint64_t *value)
{
    uint8_t failed;
    __asm__ volatile("vmread %2, %1; setbe %0"
                     : "=qm"(failed), "=rm"(*value)
                     : "r"((uint64_t)field)
                     : "cc");
    return !failed;
}

static inline bool vmx_write_safe(enum vmcs_field field, uint64_t value)
{
    uint8_t failed;
    __asm__ volatile("vmwrite %2, %1; setbe %0"
                     : "=qm"(failed)
                     : "r"((uint64_t)field), "rm"(value)
                     : "cc", "memory");
    return !failed;
}

struct vmx_invalidate_descriptor {
    uint64_t first; /* EPTP or VPID */
    uint64_t address;
};

static inline bool vmx_invept(uint64_t type, uint64_t eptp)
{
    struct vmx_invalidate_descriptor d = {eptp, 0};
    uint8_t failed;
    __asm__ volatile("invept %1, %2; setbe %0"
                     : "=qm"(failed)
                     : "m"(d), "r"(type)
                     : "cc", "memory");
    return !failed;
}

static inline bool vmx_invvpid(uint64_t type, uint16_t vpid)
{
    struct vmx_invalidate_descriptor d = {vpid, 0};
    uint8_t failed;
    __asm__ volatile("invvpid %1, %2; setbe %0"
                     : "=qm"(failed)
                     : "m"(d), "r"(type)
                     : "cc", "memory");
    return !failed;
}

/*
 * VMCALL from a guest, in the register convention of include/bulkhead/hypercall.h:
 * RAX = number, RDI RSI RDX R10 R8 R9 = arguments, result in RAX; nothing else
 * changes. "memory" because the hypervisor may read or write the buffers passed.
 */
static inline int64_t vmx_call(uint64_t number, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                               uint64_t a5, uint64_t a6)
{
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    register uint64_t r9 __asm__("r9") = a6;
    int64_t result;

    __asm__ volatile("vmcall"
                     : "=a"(result)
                     : "a"(number), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                     : "memory");
    return result;
}

#define INVEPT_ALL_CONTEXTS  2
#define INVVPID_ALL_CONTEXTS 2

void vmcs_access_failed(const char *op, enum vmcs_field field, const void *caller);

static inline uint64_t vmcs_read(enum vmcs_field field)
{
    uint64_t value = 0;
    if (__builtin_expect(!vmx_read_safe(field, &value), 0))
        vmcs_access_failed("vmread", field, __builtin_return_address(0));
    return value;
}

static inline void vmcs_write(enum vmcs_field field, uint64_t value)
{
    if (__builtin_expect(!vmx_write_safe(field, value), 0))
        vmcs_access_failed("vmwrite", field, __builtin_return_address(0));
}

#endif
