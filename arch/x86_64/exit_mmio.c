/*
 * EPT violations. A full partition's load or store at an address that a
 * device model claims is emulated: the instruction is fetched through the
 * guest's own page tables, decoded (arch/x86_64/x86_decode.h), handed to the model
 * as an I/O request, and retired. Every other EPT violation is a touch of
 * memory the partition does not own, and stops it.
 */
#include "arch/x86_64/exits.h"
#include "arch/x86_64/vmx_ops.h"
#include "arch/x86_64/guest_paging.h"
#include "hv/partition.h"
#include "arch/x86_64/x86_decode.h"

#define CR0_PG           (1ull << 31)
#define EFER_LMA         (1ull << 10)
#define CS_ACCESS_LONG   (1u << 13)
#define CS_ACCESS_32_BIT (1u << 14)

/* Where the CPU fetched the instruction from: 64-bit code ignores the CS
 * base (SDM Vol. 3A 3.4.4), 32-bit code wraps at 4 GiB. */
static uint64_t instruction_linear(bool long_mode)
{
    uint64_t rip = vmcs_read(VMCS_GUEST_RIP);

    if (long_mode)
        return rip;
    return (uint32_t)(vmcs_read(VMCS_GUEST_CS_BASE) + rip);
}

/* Decodes the instruction at CS:RIP; returns why it cannot, or 0. */
static const char *decode_at_rip(struct vcpu *vcpu, struct x86_mmio_access *access)
{
    uint8_t bytes[X86_MAX_INSTRUCTION];
    uint32_t cs = (uint32_t)vmcs_read(VMCS_GUEST_CS_ACCESS);
    bool long_mode = (vmcs_read(VMCS_GUEST_IA32_EFER) & EFER_LMA) && (cs & CS_ACCESS_LONG);
    bool paged = vmcs_read(VMCS_GUEST_CR0) & CR0_PG;
    struct guest_memory memory = partition_guest_memory(vcpu->partition);

    if (!long_mode && (paged || !(cs & CS_ACCESS_32_BIT)))
        return "MMIO emulation needs long mode, or 32-bit code without paging";
    uint64_t rip = instruction_linear(long_mode);
    unsigned length = sizeof(bytes);
    /* An instruction near the end of RAM is shorter than 15 bytes. */
    while (length &&
           !guest_copy_linear(&memory, paged, vmcs_read(VMCS_GUEST_CR3), rip, bytes, length))
        length--;
    if (!length)
        return "the instruction of an MMIO access cannot be read";
    if (!x86_decode_mmio(bytes, length, long_mode ? X86_MODE_64 : X86_MODE_32, access))
        return "an MMIO access by an instruction that is not emulated";
    return 0;
}

/* The model's answer to the load, or the store of the register; XCHG is
 * both, the load first, as the locked cycle does it. False when the vCPU
 * has to stop. */
static bool access_device(struct vcpu *vcpu, uint64_t address, const struct x86_mmio_access *access)
{
    uint64_t reg = exit_read_register(vcpu, access->reg);
    uint64_t stored = x86_store_value(access, reg), loaded = 0;

    if (!access->write && !partition_mmio_access(vcpu, address, access->size, false, &loaded))
        return false;
    if ((access->write || access->exchange) &&
        !partition_mmio_access(vcpu, address, access->size, true, &stored))
        return false;
    if (!access->write)
        exit_write_register(vcpu, access->reg, x86_load_result(access, reg, loaded));
    return true;
}

static int emulate_mmio(struct vcpu *vcpu, uint64_t address)
{
    struct x86_mmio_access access;
    const char *why = decode_at_rip(vcpu, &access);

    if (why)
        return exit_crash_guest(vcpu, EXIT_REASON_EPT_VIOLATION, why);
    if (!access_device(vcpu, address, &access))
        return 0;
    vmcs_write(VMCS_GUEST_RIP, vmcs_read(VMCS_GUEST_RIP) + access.length);
    return 1;
}

int exit_handle_ept_violation(struct vcpu *vcpu)
{
    uint64_t address = vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS);

    if (vcpu->partition && partition_mmio_claimed(vcpu->partition, address))
        return emulate_mmio(vcpu, address);
    return exit_crash_guest(vcpu, (uint32_t)vmcs_read(VMCS_EXIT_REASON), 0);
}
