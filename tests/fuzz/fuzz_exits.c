/*
 * libFuzzer harness for the VM-exit path: one exit of a vCPU of the fake
 * machine of tests/exit_world.h, through the real dispatcher and the real
 * handlers (MSR, CR, XSETBV, I/O and string I/O, EPT violation with MMIO
 * decode, CPUID, HLT, VMCALL, ...), against the fake VMCS and host CPU of
 * tests/fake_cpu.h.
 *
 * The input is a struct exit_input (below; a short input is padded with
 * zeros), then pokes of guest RAM, each a 16-bit offset, a length byte and
 * the bytes. Before the pokes the RAM holds 4-level page tables at 0x1000
 * that map the first 2 MiB one to one, and the input's instruction bytes
 * at RIP. Where the mode is not raw, CR0, CR3,
 * CR4, EFER and the CS/SS access rights are the mode's values XOR the
 * input's, so zeros give a consistent guest.
 *
 * After the exit the harness aborts unless: the fake host refused nothing
 * (no RDMSR of an MSR it lacks, no WRMSR, no XSETBV the SDM forbids, no
 * VMWRITE of a read-only field) and every MSR read at the guest's ECX is
 * one guest_policy.c or exit_msr.c lets guests read; the device models saw
 * only requests the CPU could make, string I/O blocks inside one page of
 * RAM; the handler resumed a running vCPU or stopped it, never both; an
 * injected event is #UD, #GP or #PF with the right error-code bit and
 * leaves RIP (and, but for string I/O, every register) as it was; RIP
 * moved only by the instruction's length, and for a REP string only once
 * the count is done; the VMCS keeps the VMX fixed bits of CR0 and CR4 and
 * agrees with itself about IA-32e mode; CPUID never shows VMX; and no RAM
 * changed but the bytes a string IN brought (VMCALL is left to
 * fuzz_hypercall, which knows where calls write).
 *
 * The seeds in tests/fuzz/corpus/exits/ reach each handler once. Before
 * changing the exit path, run it long:
 *   make test-fuzz FUZZ_NAMES=exits FUZZ_RUNS=-1 FUZZ_TIME=3600
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/guest_policy.h"
#include "lib/page_tables.h"
#include "tests/exit_world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct exit_input {
    uint8_t reason; /* < 0x80: one of reasons[]; else the raw basic reason & 0x7f */
    uint8_t setup;  /* see setup_vcpu() */
    uint8_t host;   /* see setup_host() */
    uint8_t instruction_length;
    uint32_t instruction_info;
    uint32_t cs_access, ss_access;
    uint64_t qualification, guest_physical, rip, rflags;
    uint64_t cr0, cr3, cr4, efer;
    uint64_t bases[6]; /* ES CS SS DS FS GS */
    uint64_t device_value;
    uint64_t regs[16]; /* by encoding number: rax rcx rdx rbx rsp rbp rsi rdi r8-r15 */
    uint8_t code[16];  /* the instruction at RIP, when RIP is in RAM */
} __attribute__((packed));

static const uint32_t reasons[] = {
    EXIT_REASON_RDMSR, EXIT_REASON_WRMSR, EXIT_REASON_CR_ACCESS,     EXIT_REASON_XSETBV,
    EXIT_REASON_IO,    EXIT_REASON_IO,    EXIT_REASON_EPT_VIOLATION, EXIT_REASON_EPT_VIOLATION,
    EXIT_REASON_CPUID, EXIT_REASON_HLT,   EXIT_REASON_VMCALL,        EXIT_REASON_WBINVD,
    EXIT_REASON_INVD,  EXIT_REASON_RDPMC, EXIT_REASON_VMXON,         EXIT_REASON_TRIPLE_FAULT,
};
#define REASONS (sizeof(reasons) / sizeof(reasons[0]))

#define PAGE_TABLES 0x1000ull /* PML4, PDPT, PD, PT in four pages */

/* The mode the guest is in, before the input's XOR. */
struct start_mode {
    uint64_t cr0, cr3, cr4, efer;
    uint32_t cs_access, ss_access;
};

static const struct start_mode modes[4] = {
    {0x80010031, PAGE_TABLES, 0x20a0 | CR4_VMXE, 0xd01, 0xa09b, 0xc093}, /* long mode */
    {0x31, 0, CR4_VMXE, 0, 0xc09b, 0xc093},                              /* 32-bit, flat */
    {0x30, 0, CR4_VMXE, 0, 0x9b, 0x93},                                  /* real mode */
    {0, 0, 0, 0, 0, 0},                                                  /* raw */
};

/* What the exit found, to compare with what it left. */
struct before {
    uint32_t reason;
    uint64_t rip, rsp, length, qualification, cr0;
    struct guest_regs regs;
    struct partition *partition;
};

static uint8_t shadow[WORLD_PARTITIONS][WORLD_RAM_SIZE];

/* The four tables of one identity-mapped 2 MiB, at PAGE_TABLES. */
static void build_page_tables(uint8_t *ram)
{
    uint64_t entry = PTE_PRESENT | PTE_WRITABLE;

    for (unsigned level = 0; level < 3; level++) {
        uint64_t table = PAGE_TABLES + level * 0x1000;
        uint64_t next = (table + 0x1000) | entry;
        memcpy(ram + table, &next, sizeof(next));
    }
    for (uint64_t i = 0; i < 512; i++) {
        uint64_t page = (i * 0x1000) | entry;
        memcpy(ram + PAGE_TABLES + 3 * 0x1000 + i * 8, &page, sizeof(page));
    }
}

/* setup: bits 0-1 who exits (guest-a full, guest-a pv, dom0, the probe),
 * 2-3 the mode, 4 MMIO is claimed, 5 port and 6 MMIO accesses stop the
 * vCPU, 7 the exit is a failed VM entry. */
static void setup_vcpu(const struct exit_input *in)
{
    static const unsigned ids[4] = {2, 2, WORLD_DOM0, 0};
    unsigned who = in->setup & 3;

    exit_world_reset(ids[who]);
    if (who == 0) {
        world_make_full(2);
        exit_world_vcpu()->pv = false;
    }
    exit_world.answer.mmio_claimed = in->setup & 0x10;
    exit_world.answer.port_stops = in->setup & 0x20;
    exit_world.answer.mmio_stops = in->setup & 0x40;
    exit_world.answer.value = in->device_value;
    struct vcpu *v = exit_world_vcpu();
    uint64_t *regs = &v->arch.regs.rax; /* in encoding order, without RSP */
    for (unsigned i = 0, to = 0; i < 16; i++) {
        if (i != 4)
            regs[to++] = in->regs[i];
    }
}

/* host: bits 0-1 what the device table answers for string I/O blocks,
 * 2-3 for MSRs, 4 the CPU reports no INS/OUTS information, 5-7 the XCR0
 * components it has. */
static void setup_host(const struct exit_input *in)
{
    static const enum device_result answers[4] = {DEVICE_NO_MODEL, DEVICE_DONE, DEVICE_STOP_VCPU,
                                                  DEVICE_REFUSED};
    static const uint64_t xcr0[8] = {0x3, 0x7, 0x1f, 0xe7, 0x600e7, 0x7, 0x1, 0x602ff};

    exit_world.answer.block = answers[in->host & 3];
    if (exit_world.answer.block == DEVICE_REFUSED)
        exit_world.answer.block = DEVICE_NO_MODEL; /* not an answer for blocks */
    exit_world.answer.msr = answers[(in->host >> 2) & 3];
    if (exit_world.answer.msr == DEVICE_STOP_VCPU)
        exit_world.answer.msr = DEVICE_NO_MODEL; /* not an answer for MSRs (hv/partition.h) */
    if (in->host & 0x10)
        fake_cpu.vmx_basic = 0;
    fake_cpu.xcr0_supported = xcr0[in->host >> 5];
}

static void set_field(enum vmcs_field field, uint64_t value)
{
    fake_cpu.vmcs[field] = value;
}

static void setup_vmcs(const struct exit_input *in)
{
    const struct start_mode *m = &modes[(in->setup >> 2) & 3];

    set_field(VMCS_EXIT_QUALIFICATION, in->qualification);
    set_field(VMCS_EXIT_INSTRUCTION_LENGTH, in->instruction_length);
    set_field(VMCS_EXIT_INSTRUCTION_INFO, in->instruction_info);
    set_field(VMCS_GUEST_PHYSICAL_ADDRESS, in->guest_physical);
    set_field(VMCS_GUEST_RIP, in->rip);
    set_field(VMCS_GUEST_RSP, in->regs[4]);
    set_field(VMCS_GUEST_RFLAGS, in->rflags | 2);
    set_field(VMCS_GUEST_CR0, m->cr0 ^ in->cr0);
    set_field(VMCS_CR0_READ_SHADOW, m->cr0 ^ in->cr0);
    set_field(VMCS_GUEST_CR3, m->cr3 ^ in->cr3);
    set_field(VMCS_GUEST_CR4, m->cr4 ^ in->cr4);
    set_field(VMCS_GUEST_IA32_EFER, m->efer ^ in->efer);
    set_field(VMCS_GUEST_CS_ACCESS, m->cs_access ^ in->cs_access);
    set_field(VMCS_GUEST_SS_ACCESS, m->ss_access ^ in->ss_access);
    set_field(VMCS_ENTRY_CONTROLS, (m->efer ^ in->efer) & EFER_LMA ? ENTRY_IA32E_MODE_GUEST : 0);
    for (unsigned i = 0; i < 6; i++)
        set_field(VMCS_GUEST_ES_BASE + 2 * i, in->bases[i]);
}

static unsigned ram_id(void)
{
    struct vcpu *v = exit_world_vcpu();

    return v->partition ? v->partition->id : 2;
}

/* The page tables, the instruction at RIP (one to one under the tables,
 * so MMIO decode finds it) and the input's pokes, in that order. */
static void fill_ram(const struct exit_input *in, const uint8_t *data, size_t size)
{
    uint8_t *ram = world_ram(ram_id());

    build_page_tables(ram);
    if (in->rip <= WORLD_RAM_SIZE - sizeof(in->code))
        memcpy(ram + in->rip, in->code, sizeof(in->code));
    while (size >= 3) {
        uint64_t offset = (data[0] | (uint64_t)data[1] << 8) % WORLD_RAM_SIZE;
        size_t length = data[2];
        data += 3;
        size -= 3;
        length = length < size ? length : size;
        length = length < WORLD_RAM_SIZE - offset ? length : WORLD_RAM_SIZE - offset;
        memcpy(ram + offset, data, length);
        data += length;
        size -= length;
    }
}

static uint32_t pick_reason(const struct exit_input *in)
{
    uint32_t reason = in->reason < 0x80 ? reasons[in->reason % REASONS] : in->reason & 0x7fu;

    return in->setup & 0x80 ? reason | EXIT_REASON_ENTRY_FAILED : reason;
}

static void remember(struct before *b, const struct exit_input *in)
{
    struct vcpu *v = exit_world_vcpu();

    b->reason = pick_reason(in);
    b->rip = fake_cpu.vmcs[VMCS_GUEST_RIP];
    b->rsp = fake_cpu.vmcs[VMCS_GUEST_RSP];
    b->length = fake_cpu.vmcs[VMCS_EXIT_INSTRUCTION_LENGTH];
    b->qualification = fake_cpu.vmcs[VMCS_EXIT_QUALIFICATION];
    b->cr0 = fake_cpu.vmcs[VMCS_GUEST_CR0];
    b->regs = v->arch.regs;
    b->partition = v->partition;
    for (unsigned id = 1; id <= WORLD_PARTITIONS; id++)
        memcpy(shadow[id - 1], world_ram(id), WORLD_RAM_SIZE);
}

/* Names the broken invariant before the fuzzer records the input. */
#define require(holds) require_at(holds, #holds, __LINE__)

static void require_at(bool holds, const char *what, int line)
{
    if (holds)
        return;
    fprintf(stderr, "fuzz_exits.c:%d: broken: %s (%s)\n", line, what,
            fake_cpu.fault ? fake_cpu.fault : exit_world.record.violation);
    abort();
}

/* ---- the invariants ----------------------------------------------------- */

static bool string_io(const struct before *b)
{
    return b->reason == EXIT_REASON_IO && (b->qualification & (1u << 4));
}

/* An injected event: a hardware exception the handlers raise, with an
 * error code exactly for #GP and #PF, and the instruction not retired. */
static bool check_injection(const struct before *b, int resume)
{
    uint64_t info = fake_cpu.vmcs[VMCS_ENTRY_INTERRUPTION_INFO];
    unsigned vector = info & INTERRUPTION_VECTOR_MASK;
    bool code = vector == VECTOR_GP || vector == VECTOR_PF;

    if (!(info & INTERRUPTION_VALID))
        return false;
    require((info & INTERRUPTION_TYPE_MASK) == INTERRUPTION_TYPE_HARDWARE_EXCEPTION);
    require(vector == VECTOR_UD || code);
    require(!!(info & INTERRUPTION_DELIVER_ERROR_CODE) == code);
    require(vector != VECTOR_PF || fake_cpu.cr2_writes);
    require(resume && fake_cpu.vmcs[VMCS_GUEST_RIP] == b->rip);
    if (!string_io(b)) {
        require(!memcmp(&exit_world_vcpu()->arch.regs, &b->regs, sizeof(b->regs)));
        require(fake_cpu.vmcs[VMCS_GUEST_RSP] == b->rsp);
    }
    return true;
}

/* The count register's width for the string instruction, as the CPU uses it. */
static uint64_t count_mask(void)
{
    uint64_t info = fake_cpu.vmcs[VMCS_EXIT_INSTRUCTION_INFO];
    bool long_mode = (fake_cpu.vmcs[VMCS_GUEST_IA32_EFER] & EFER_LMA) &&
                     (fake_cpu.vmcs[VMCS_GUEST_CS_ACCESS] & (1u << 13));
    unsigned code = (fake_cpu.vmx_basic >> 54) & 1                     ? (info >> 7) & 7
                    : long_mode                                        ? 2
                    : fake_cpu.vmcs[VMCS_GUEST_CS_ACCESS] & (1u << 14) ? 1
                                                                       : 0;
    return code == 0 ? 0xffff : code == 1 ? 0xffffffff : ~0ull;
}

static void check_rip(const struct before *b)
{
    uint64_t rip = fake_cpu.vmcs[VMCS_GUEST_RIP], moved = rip - b->rip;

    if (!moved)
        return;
    if ((b->reason & 0xffff) == EXIT_REASON_EPT_VIOLATION)
        require(moved <= 15);
    else
        require(moved == b->length);
    if (string_io(b) && (b->qualification & (1u << 5)))
        require(!(exit_world_vcpu()->arch.regs.rcx & count_mask()));
}

/* Bits the next VM entry checks (SDM Vol. 3C 26.3.1.1): the handler must
 * not leave the VMCS in a state the entry refuses. */
static void check_vmcs(void)
{
    uint64_t cr0 = fake_cpu.vmcs[VMCS_GUEST_CR0], cr4 = fake_cpu.vmcs[VMCS_GUEST_CR4];
    uint64_t cr0_fixed0 = fake_cpu.cr0_fixed0 & ~(CR0_PE | CR0_PG);

    if (fake_cpu.vmcs_writes[VMCS_GUEST_CR0])
        require((cr0 & cr0_fixed0) == cr0_fixed0 && !(cr0 & ~fake_cpu.cr0_fixed1));
    if (fake_cpu.vmcs_writes[VMCS_GUEST_CR4])
        require((cr4 & fake_cpu.cr4_fixed0) == fake_cpu.cr4_fixed0 &&
                !(cr4 & ~fake_cpu.cr4_fixed1));
    if (fake_cpu.vmcs_writes[VMCS_GUEST_IA32_EFER])
        require(!!(fake_cpu.vmcs[VMCS_GUEST_IA32_EFER] & EFER_LMA) ==
                !!(fake_cpu.vmcs[VMCS_ENTRY_CONTROLS] & ENTRY_IA32E_MODE_GUEST));
}

/* What reached the real CPU for the guest is what the policy allows. */
static void check_host(const struct before *b)
{
    uint32_t msr = (uint32_t)b->regs.rcx;

    require(!fake_cpu.fault && !fake_cpu.msr_writes);
    if (b->reason == EXIT_REASON_RDMSR && fake_cpu.msr_reads && fake_cpu.last_msr_read == msr)
        require(policy_mtrr_readable(msr, FAKE_MTRRCAP) || msr == 0x10 /* TSC */ ||
                msr == 0x1a0 /* MISC_ENABLE */ || msr == 0x8b /* the microcode revision */ ||
                msr == 0x17 /* PLATFORM_ID */);
    if (fake_cpu.xsetbvs)
        require(policy_xcr0_valid(fake_cpu.xcr0, fake_cpu.xcr0_supported));
    if (b->reason == EXIT_REASON_CPUID && (uint32_t)b->regs.rax == 1 &&
        fake_cpu.vmcs[VMCS_GUEST_RIP] != b->rip)
        require(!(exit_world_vcpu()->arch.regs.rcx & (1u << 5)));
}

static unsigned changed_bytes(unsigned id)
{
    unsigned changed = 0;

    if (!memcmp(world_ram(id), shadow[id - 1], WORLD_RAM_SIZE))
        return 0;
    for (unsigned i = 0; i < WORLD_RAM_SIZE; i++)
        changed += world_ram(id)[i] != shadow[id - 1][i];
    return changed;
}

static void check_memory(const struct before *b)
{
    unsigned own = b->partition ? b->partition->id : 0;

    if (b->reason == EXIT_REASON_VMCALL)
        return;
    for (unsigned id = 1; id <= WORLD_PARTITIONS; id++) {
        unsigned changed = changed_bytes(id);
        require(id == own ? changed <= 4 * exit_world.record.port_ins : !changed);
        require(!changed || string_io(b));
    }
}

static void check_exit(const struct before *b, int resume)
{
    struct vcpu *v = exit_world_vcpu();

    require(resume == 0 || resume == 1);
    require(resume ? v->state == VCPU_RUNNING : v->state != VCPU_RUNNING);
    require(!exit_world.record.violation && !world_check());
    if (!check_injection(b, resume) && resume)
        check_rip(b);
    check_vmcs();
    check_host(b);
    check_memory(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct exit_input in = {0};
    size_t header = size < sizeof(in) ? size : sizeof(in);
    struct before b;

    memcpy(&in, data, header);
    setup_vcpu(&in);
    setup_host(&in);
    setup_vmcs(&in);
    fill_ram(&in, data + header, size - header);
    remember(&b, &in);
    check_exit(&b, exit_world_exit(b.reason));
    return 0;
}
