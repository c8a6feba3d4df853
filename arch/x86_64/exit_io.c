/* Port I/O exits: every port traps (the I/O bitmaps are all ones). */
#include "arch/x86_64/exits.h"
#include "arch/x86_64/vmx_ops.h"
#include "hv/partition.h"

/* Exit qualification for I/O instructions, SDM Vol. 3C Table 28-5. */
#define IO_SIZE_MASK    0x7
#define IO_DIRECTION_IN (1u << 3)
#define IO_STRING       (1u << 4)

static uint32_t size_mask(unsigned size)
{
    return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

int exit_handle_io(struct vcpu *vcpu)
{
    uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);
    unsigned size = (unsigned)(q & IO_SIZE_MASK) + 1;
    uint16_t port = (uint16_t)(q >> 16);
    bool out = !(q & IO_DIRECTION_IN);
    uint32_t mask = size_mask(size);

    if (q & IO_STRING)
        return exit_crash_guest(vcpu, EXIT_REASON_IO, "string I/O is not emulated");
    vcpu->probe.io_port = port;
    vcpu->probe.io_out = out;
    if (out)
        vcpu->probe.io_value = (uint32_t)vcpu->regs.rax & mask;

    uint32_t value = (uint32_t)vcpu->regs.rax & mask;
    bool resume = vcpu->partition ? partition_port_access(vcpu, port, size, out, &value) : true;
    if (!vcpu->partition && !out)
        value = mask; /* nothing is there: reads float high */
    /* A 32-bit IN clears the upper half of RAX, as any 32-bit register write. */
    if (!out && size == 4)
        vcpu->regs.rax = value;
    else if (!out)
        vcpu->regs.rax = (vcpu->regs.rax & ~(uint64_t)mask) | (value & mask);
    exit_skip_instruction();
    return resume;
}
