/*
 * Port I/O exits: every port traps (the I/O bitmaps are all ones). IN and
 * OUT are one port access each. A REP INS or OUTS to a port the I/O server
 * models moves the elements that lie together in one guest page as one
 * request (a block). Otherwise INS and OUTS are emulated element by
 * element: each element is a port access of its own, its bytes reached
 * through the guest's page tables, and RSI/RDI/RCX move after each one as
 * on the CPU, so a stop between elements leaves the guest where the CPU
 * would have.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/exits.h"
#include "arch/x86_64/string_io.h"
#include "arch/x86_64/vmx_ops.h"
#include "arch/x86_64/guest_paging.h"
#include "hv/partition.h"

/* Exit qualification for I/O instructions, SDM Vol. 3C Table 28-5. */
#define IO_SIZE_MASK    0x7
#define IO_DIRECTION_IN (1u << 3)
#define IO_STRING       (1u << 4)
#define IO_REP          (1u << 5)

/* VM-exit instruction information for INS/OUTS, SDM Vol. 3C Table 28-8;
 * valid when IA32_VMX_BASIC[54] says so. */
#define INFO_ADDRESS_SIZE(info)     (((info) >> 7) & 7)
#define INFO_SEGMENT(info)          (((info) >> 15) & 7)
#define VMX_BASIC_INS_OUTS_INFO     (1ull << 54)
#define ADDRESS_SIZE_CODE_16        0
#define ADDRESS_SIZE_CODE_32        1
#define ADDRESS_SIZE_CODE_64        2
#define CS_ACCESS_LONG              (1u << 13)
#define CS_ACCESS_32_BIT            (1u << 14)
#define RFLAGS_DF                   (1ull << 10)
#define PAGE_FAULT_WRITE            (1u << 1)
#define PAGE_FAULT_USER             (1u << 2)
#define ACCESS_DPL(access)          (((access) >> 5) & 3)
#define SEGMENT_BASE_FIELD(segment) (VMCS_GUEST_ES_BASE + 2 * (segment))

/* Elements emulated per exit. A longer REP returns to the guest with RIP
 * still on the instruction, which runs on with the updated RCX: interrupts
 * are taken between batches, as the CPU takes them between elements, and
 * no guest keeps the hypervisor in one exit for long. */
#define STRING_IO_BATCH 128

static uint32_t size_mask(unsigned size)
{
    return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

/* The partition's answer, or for the probe guest (no partition) the
 * bare-metal one: nothing is there, reads float high. */
static bool port_access(struct vcpu *vcpu, uint16_t port, unsigned size, bool out, uint32_t *value,
                        uint32_t rep_count)
{
    if (vcpu->partition)
        return partition_port_access(vcpu, port, size, out, value, rep_count);
    if (!out)
        *value = size_mask(size);
    return true;
}

static int emulate_in_out(struct vcpu *vcpu, uint16_t port, unsigned size, bool out)
{
    uint32_t mask = size_mask(size);
    uint32_t value = (uint32_t)vcpu->arch.regs.rax & mask;

    vcpu->arch.probe.io_port = port;
    vcpu->arch.probe.io_out = out;
    if (out)
        vcpu->arch.probe.io_value = value;
    bool resume = port_access(vcpu, port, size, out, &value, 0);
    /* A 32-bit IN clears the upper half of RAX, as any 32-bit register write. */
    if (!out && size == 4)
        vcpu->arch.regs.rax = value;
    else if (!out)
        vcpu->arch.regs.rax = (vcpu->arch.regs.rax & ~(uint64_t)mask) | (value & mask);
    exit_skip_instruction();
    return resume;
}

static bool guest_long_mode(void)
{
    return (vmcs_read(VMCS_GUEST_IA32_EFER) & EFER_LMA) &&
           (vmcs_read(VMCS_GUEST_CS_ACCESS) & CS_ACCESS_LONG);
}

/* Address size and segment from the instruction-information field; a CPU
 * that does not report them gets the defaults of the current mode (no
 * address-size or segment-override prefix). */
static void string_io_operands(bool long_mode, unsigned *address_size_code, unsigned *segment)
{
    if (cpu_read_msr(MSR_IA32_VMX_BASIC) & VMX_BASIC_INS_OUTS_INFO) {
        uint32_t info = (uint32_t)vmcs_read(VMCS_EXIT_INSTRUCTION_INFO);
        *address_size_code = INFO_ADDRESS_SIZE(info);
        *segment = INFO_SEGMENT(info);
        return;
    }
    bool cs_32 = vmcs_read(VMCS_GUEST_CS_ACCESS) & CS_ACCESS_32_BIT;
    *address_size_code = long_mode ? ADDRESS_SIZE_CODE_64
                         : cs_32   ? ADDRESS_SIZE_CODE_32
                                   : ADDRESS_SIZE_CODE_16;
    *segment = STRING_IO_DS;
}

/* Fills in what the instruction does; returns why it cannot be emulated, or 0. */
static const char *describe_string_io(uint64_t q, struct string_io *s)
{
    bool long_mode = guest_long_mode();
    unsigned address_size_code, segment;

    string_io_operands(long_mode, &address_size_code, &segment);
    *s = (struct string_io){
        .size = (unsigned)(q & IO_SIZE_MASK) + 1,
        .in = q & IO_DIRECTION_IN,
        .rep = q & IO_REP,
        .backward = vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_DF,
        .long_mode = long_mode,
        .address_mask = string_io_address_mask(address_size_code),
    };
    if (s->in)
        segment = STRING_IO_ES; /* INS always stores through ES */
    if (!s->address_mask || segment > STRING_IO_GS)
        return "string I/O with an instruction-information field the CPU never reports";
    /* Only the 4-level tables of long mode are walked. */
    if ((vmcs_read(VMCS_GUEST_CR0) & CR0_PG) && !(vmcs_read(VMCS_GUEST_IA32_EFER) & EFER_LMA))
        return "string I/O under 32-bit paging is not emulated";
    if (string_io_segment_has_base(long_mode, segment))
        s->segment_base = vmcs_read(SEGMENT_BASE_FIELD(segment));
    return 0;
}

enum element_reach {
    ELEMENT_REACHED,
    ELEMENT_NOT_MAPPED, /* a #PF at *fault_linear */
    ELEMENT_OUTSIDE_RAM,
};

/* Where each byte of an element lies in the partition's RAM. An element
 * can straddle a page, so every byte is translated. */
static enum element_reach reach_element(const struct guest_memory *memory,
                                        const struct string_io *s, uint64_t linear,
                                        uint64_t physical[4], uint64_t *fault_linear)
{
    bool paged = vmcs_read(VMCS_GUEST_CR0) & CR0_PG;
    uint64_t cr3 = vmcs_read(VMCS_GUEST_CR3);

    for (unsigned i = 0; i < s->size; i++) {
        uint64_t at = s->long_mode ? linear + i : (uint32_t)(linear + i);
        physical[i] = at;
        if (paged && !guest_page_walk(memory, cr3, at, &physical[i])) {
            *fault_linear = at;
            return ELEMENT_NOT_MAPPED;
        }
        if (!guest_range_valid(memory, physical[i], 1))
            return ELEMENT_OUTSIDE_RAM;
    }
    return ELEMENT_REACHED;
}

/* The guest's CR2 is the CPU's own while it runs (VMX does not switch it),
 * so the next VM entry delivers the #PF with this CR2. */
static void inject_page_fault(uint64_t linear, bool write)
{
    uint32_t code = write ? PAGE_FAULT_WRITE : 0; /* P = 0: not present */

    if (ACCESS_DPL(vmcs_read(VMCS_GUEST_SS_ACCESS)) == 3)
        code |= PAGE_FAULT_USER;
    cpu_write_cr2(linear);
    exit_inject_fault_with_code(VECTOR_PF, code);
}

enum element_result {
    ELEMENT_DONE,
    ELEMENT_FAULTED, /* a fault is injected; the registers stay */
    ELEMENT_STOPPED, /* the vCPU stops */
};

static enum element_result refuse_element(struct vcpu *vcpu, enum element_reach reach,
                                          uint64_t fault_linear, bool write)
{
    if (reach == ELEMENT_NOT_MAPPED) {
        inject_page_fault(fault_linear, write);
        return ELEMENT_FAULTED;
    }
    exit_crash_guest(vcpu, EXIT_REASON_IO, "a string I/O buffer lies outside the partition's RAM");
    return ELEMENT_STOPPED;
}

/* One element: memory is reached before the port, so a faulting INS
 * consumes no input and a faulting OUTS writes nothing. */
static enum element_result move_element(struct vcpu *vcpu, const struct string_io *s, uint16_t port,
                                        uint32_t rep_count)
{
    struct guest_memory memory = partition_guest_memory(vcpu->partition);
    uint64_t index = s->in ? vcpu->arch.regs.rdi : vcpu->arch.regs.rsi;
    uint64_t physical[4], fault_linear = 0;
    uint8_t bytes[4] = {0};
    enum element_reach reach =
        reach_element(&memory, s, string_io_linear(s, index), physical, &fault_linear);

    if (reach != ELEMENT_REACHED)
        return refuse_element(vcpu, reach, fault_linear, s->in);
    for (unsigned i = 0; !s->in && i < s->size; i++)
        guest_copy_from(&memory, &bytes[i], physical[i], 1);
    uint32_t value = bytes[0] | bytes[1] << 8 | (uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24;
    if (!port_access(vcpu, port, s->size, !s->in, &value, rep_count))
        return ELEMENT_STOPPED;
    for (unsigned i = 0; s->in && i < s->size; i++) {
        uint8_t byte = (uint8_t)(value >> (8 * i));
        guest_copy_to(&memory, physical[i], &byte, 1);
    }
    return ELEMENT_DONE;
}

/* RSI or RDI and RCX after `elements` elements, as the CPU moves them. */
static void advance_registers(struct vcpu *vcpu, const struct string_io *s, uint64_t elements)
{
    if (s->in)
        vcpu->arch.regs.rdi = string_io_advance_index(s, vcpu->arch.regs.rdi, elements);
    else
        vcpu->arch.regs.rsi = string_io_advance_index(s, vcpu->arch.regs.rsi, elements);
    vcpu->arch.regs.rcx = string_io_advance_count(s, vcpu->arch.regs.rcx, elements);
}

/* What struct hc_ioreq's rep_count tells a device model. */
static uint32_t request_rep_count(const struct string_io *s, uint64_t remaining)
{
    if (!s->rep)
        return 0;
    return remaining > 0xffffffffu ? 0xffffffffu : (uint32_t)remaining;
}

#define PAGE 4096ull

static uint64_t smallest(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* How many elements from the current one on lie together in one page of
 * guest memory, up to the count left: 0 when fewer than two. */
static uint64_t block_elements(struct vcpu *vcpu, const struct string_io *s, uint64_t linear)
{
    uint64_t index = s->in ? vcpu->arch.regs.rdi : vcpu->arch.regs.rsi;
    uint64_t left = string_io_remaining(s, vcpu->arch.regs.rcx);
    uint64_t elements = smallest(smallest(left, (PAGE - linear % PAGE) / s->size),
                                 string_io_elements_before_wrap(s, index));

    return s->rep && !s->backward && elements >= 2 ? elements : 0;
}

/* The elements that lie together in one page go to the I/O server as one
 * request. false: not here (no server model, a fault to come, fewer than
 * two): the elements go one by one. */
static bool move_block(struct vcpu *vcpu, const struct string_io *s, uint16_t port, int *resume)
{
    struct guest_memory memory = partition_guest_memory(vcpu->partition);
    uint64_t index = s->in ? vcpu->arch.regs.rdi : vcpu->arch.regs.rsi;
    uint64_t linear = string_io_linear(s, index), physical[4], fault_linear;
    uint64_t elements = block_elements(vcpu, s, linear);

    if (!elements ||
        reach_element(&memory, s, linear, physical, &fault_linear) != ELEMENT_REACHED ||
        !guest_range_valid(&memory, physical[0], elements * s->size))
        return false;
    enum device_result result =
        partition_port_block(vcpu, port, s->size, s->in, physical[0], (uint32_t)elements,
                             request_rep_count(s, string_io_remaining(s, vcpu->arch.regs.rcx)));
    if (result == DEVICE_NO_MODEL)
        return false;
    *resume = result == DEVICE_DONE;
    if (!*resume)
        return true;
    advance_registers(vcpu, s, elements);
    /* RIP stays while elements are left: the guest runs the rest. */
    if (!string_io_remaining(s, vcpu->arch.regs.rcx))
        exit_skip_instruction();
    return true;
}

static int emulate_string_io(struct vcpu *vcpu, uint16_t port, uint64_t q)
{
    struct string_io s;
    const char *why =
        vcpu->partition ? describe_string_io(q, &s) : "string I/O is not emulated for the probe";

    if (why)
        return exit_crash_guest(vcpu, EXIT_REASON_IO, why);
    int resume;
    if (move_block(vcpu, &s, port, &resume))
        return resume;
    for (unsigned done = 0; done < STRING_IO_BATCH; done++) {
        uint64_t remaining = string_io_remaining(&s, vcpu->arch.regs.rcx);
        if (!remaining || (!s.rep && done)) {
            exit_skip_instruction();
            return 1;
        }
        enum element_result result = move_element(vcpu, &s, port, request_rep_count(&s, remaining));
        if (result != ELEMENT_DONE)
            return result == ELEMENT_FAULTED;
        advance_registers(vcpu, &s, 1);
    }
    /* RIP stays while elements are left: the guest runs the rest of the REP. */
    if (!string_io_remaining(&s, vcpu->arch.regs.rcx))
        exit_skip_instruction();
    return 1;
}

int exit_handle_io(struct vcpu *vcpu)
{
    uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);
    unsigned size = (unsigned)(q & IO_SIZE_MASK) + 1;
    uint16_t port = (uint16_t)(q >> 16);

    /* Sizes 3 and 5-8 are encodings the CPU never reports; the element
     * buffers and masks below hold at most 4 bytes. */
    if (size != 1 && size != 2 && size != 4)
        return exit_crash_guest(vcpu, EXIT_REASON_IO, "an I/O size the CPU never reports");
    if (q & IO_STRING)
        return emulate_string_io(vcpu, port, q);
    return emulate_in_out(vcpu, port, size, !(q & IO_DIRECTION_IN));
}
