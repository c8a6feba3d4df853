/*
 * The VM-exit handlers through the real dispatcher, on the fake CPU and
 * VMCS of tests/fake_cpu.h and the machine of tests/exit_world.h.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/exit_world.h"

#define GUEST_A 2
#define RIP     0x5000ull

static void start(unsigned id, uint64_t qualification, uint64_t length)
{
    exit_world_reset(id);
    fake_cpu.vmcs[VMCS_GUEST_RIP] = RIP;
    fake_cpu.vmcs[VMCS_EXIT_QUALIFICATION] = qualification;
    fake_cpu.vmcs[VMCS_EXIT_INSTRUCTION_LENGTH] = length;
}

static uint64_t injected(void)
{
    return fake_cpu.vmcs[VMCS_ENTRY_INTERRUPTION_INFO];
}

Test(exits, rdmsr_of_apic_base_is_emulated)
{
    start(GUEST_A, 0, 2);
    exit_world_vcpu()->arch.regs.rcx = MSR_IA32_APIC_BASE;
    cr_assert_eq(exit_world_exit(EXIT_REASON_RDMSR), 1);
    cr_assert_eq(exit_world_vcpu()->arch.regs.rax, 0xfee00900ull);
    cr_assert_eq(fake_cpu.vmcs[VMCS_GUEST_RIP], RIP + 2);
    cr_assert_eq(fake_cpu.fault, NULL);
}

Test(exits, rdmsr_of_the_microcode_revision_is_the_cpus)
{
    start(GUEST_A, 0, 2);
    exit_world_vcpu()->arch.regs.rcx = 0x8b;
    cr_assert_eq(exit_world_exit(EXIT_REASON_RDMSR), 1);
    cr_assert_eq(exit_world_vcpu()->arch.regs.rdx, FAKE_MICROCODE_REVISION >> 32);
    cr_assert_eq(exit_world_vcpu()->arch.regs.rax, 0, "only the revision's half");
    cr_assert_eq(fake_cpu.vmcs[VMCS_GUEST_RIP], RIP + 2);
}

Test(exits, rdmsr_of_the_platform_id_is_the_cpus)
{
    start(GUEST_A, 0, 2);
    exit_world_vcpu()->arch.regs.rcx = 0x17;
    cr_assert_eq(exit_world_exit(EXIT_REASON_RDMSR), 1);
    cr_assert_eq(exit_world_vcpu()->arch.regs.rax, 0x5a5a0017ull, "the fake CPU's value");
    cr_assert_eq(fake_cpu.vmcs[VMCS_GUEST_RIP], RIP + 2);
}

Test(exits, rdmsr_of_a_missing_mtrr_is_a_guest_gp_not_a_host_one)
{
    start(GUEST_A, 0, 2);
    exit_world_vcpu()->arch.regs.rcx = 0x210; /* the 9th variable pair: FAKE_MTRRCAP has 8 */
    cr_assert_eq(exit_world_exit(EXIT_REASON_RDMSR), 1);
    cr_assert_eq(injected(), INTERRUPTION_VALID | INTERRUPTION_TYPE_HARDWARE_EXCEPTION |
                                 INTERRUPTION_DELIVER_ERROR_CODE | VECTOR_GP);
    cr_assert_eq(fake_cpu.vmcs[VMCS_GUEST_RIP], RIP);
    cr_assert_eq(fake_cpu.fault, NULL);
}

Test(exits, the_fake_host_refuses_what_the_cpu_refuses)
{
    fake_cpu_reset();
    cr_assert(fake_cpu_xcr0_valid(0x7));
    cr_assert_not(fake_cpu_xcr0_valid(0x5)); /* AVX without SSE */
    cr_assert_not(fake_cpu_xcr0_valid(0xf)); /* MPX the host lacks */
    cpu_read_msr(0x210);
    cr_assert_str_eq(fake_cpu.fault, "RDMSR of an MSR the host lacks");
    fake_cpu_reset();
    vmcs_write(VMCS_EXIT_QUALIFICATION, 1);
    cr_assert_str_eq(fake_cpu.fault, "VMWRITE of a read-only or unknown field");
}

Test(exits, xsetbv_of_a_valid_xcr0_reaches_the_cpu)
{
    start(GUEST_A, 0, 3);
    exit_world_vcpu()->arch.regs.rax = 0x7;
    cr_assert_eq(exit_world_exit(EXIT_REASON_XSETBV), 1);
    cr_assert_eq(fake_cpu.xcr0, 0x7);
    cr_assert_eq(fake_cpu.vmcs[VMCS_GUEST_RIP], RIP + 3);
}

Test(exits, xsetbv_of_avx_without_sse_is_a_guest_gp)
{
    start(GUEST_A, 0, 3);
    exit_world_vcpu()->arch.regs.rax = 0x5;
    cr_assert_eq(exit_world_exit(EXIT_REASON_XSETBV), 1);
    cr_assert_eq(fake_cpu.xsetbvs, 0);
    cr_assert_eq(injected() & INTERRUPTION_VECTOR_MASK, VECTOR_GP);
}

Test(exits, out_goes_to_the_device_models)
{
    start(GUEST_A, 0x3f8ull << 16, 1); /* OUT DX, AL */
    exit_world_vcpu()->arch.regs.rax = 0x41;
    cr_assert_eq(exit_world_exit(EXIT_REASON_IO), 1);
    cr_assert_eq(exit_world.record.port_accesses, 1);
    cr_assert_eq(exit_world.record.last_port, 0x3f8);
    cr_assert_eq(exit_world.record.last_size, 1);
    cr_assert_eq(exit_world.record.violation, NULL);
}

/* Qualification sizes 3 and 5-8 never come from the CPU; the string path
 * used to size its 4-byte element buffers by them. */
Test(exits, an_io_size_the_cpu_never_reports_stops_the_vcpu)
{
    for (uint64_t code = 0; code < 8; code++) {
        bool real = code == 0 || code == 1 || code == 3;
        start(GUEST_A, (0x1f0ull << 16) | (1u << 4) | (1u << 3) | code, 2); /* INS */
        exit_world_vcpu()->arch.regs.rdi = 0x6000;
        fake_cpu.vmcs[VMCS_EXIT_INSTRUCTION_INFO] = 2 << 7; /* 64-bit addresses */
        cr_assert_eq(exit_world_exit(EXIT_REASON_IO), real, "size code %llu",
                     (unsigned long long)code);
        cr_assert_eq(exit_world_vcpu()->state, real ? VCPU_RUNNING : VCPU_CRASHED);
        cr_assert_eq(exit_world.record.port_accesses, real);
    }
}

/* A long-mode guest with `code` at RIP under identity-mapped 4-level page
 * tables at 0x1000, faulting on a claimed MMIO address. */
static void start_mmio(uint64_t cs_base, const uint8_t *code, unsigned length)
{
    uint8_t *ram = world_ram(GUEST_A);

    start(GUEST_A, 0, 0);
    for (uint64_t level = 0; level < 3; level++) {
        uint64_t next = (0x2000 + level * 0x1000) | 3;
        memcpy(ram + 0x1000 + level * 0x1000, &next, sizeof(next));
    }
    for (uint64_t i = 0; i < 16; i++) {
        uint64_t page = (i * 0x1000) | 3;
        memcpy(ram + 0x4000 + i * 8, &page, sizeof(page));
    }
    memcpy(ram + RIP, code, length);
    exit_world.answer.mmio_claimed = true;
    fake_cpu.vmcs[VMCS_GUEST_CR0] = CR0_PE | CR0_NE | CR0_PG;
    fake_cpu.vmcs[VMCS_GUEST_CR3] = 0x1000;
    fake_cpu.vmcs[VMCS_GUEST_CR4] = CR4_PAE | CR4_VMXE;
    fake_cpu.vmcs[VMCS_GUEST_IA32_EFER] = EFER_LME | EFER_LMA;
    fake_cpu.vmcs[VMCS_GUEST_CS_ACCESS] = 0xa09b; /* present, 64-bit code */
    fake_cpu.vmcs[VMCS_GUEST_CS_BASE] = cs_base;
    fake_cpu.vmcs[VMCS_GUEST_PHYSICAL_ADDRESS] = 0xfee00300;
}

Test(exits, a_store_to_a_claimed_address_is_emulated)
{
    static const uint8_t store[] = {0x89, 0x08}; /* mov [rax], ecx */

    start_mmio(0, store, sizeof(store));
    exit_world_vcpu()->arch.regs.rax = 0xfee00300;
    cr_assert_eq(exit_world_exit(EXIT_REASON_EPT_VIOLATION), 1);
    cr_assert_eq(exit_world.record.mmio_accesses, 1);
    cr_assert_eq(fake_cpu.vmcs[VMCS_GUEST_RIP], RIP + sizeof(store));
}

/* 64-bit code ignores the CS base: a descriptor's leftover base must not
 * move the fetch of the instruction to decode (it used to: here onto
 * zeros, which decode as no MMIO instruction, and the vCPU stopped). */
Test(exits, mmio_decode_in_long_mode_ignores_the_cs_base)
{
    static const uint8_t store[] = {0x89, 0x08};

    start_mmio(0x1000, store, sizeof(store));
    cr_assert_eq(exit_world_exit(EXIT_REASON_EPT_VIOLATION), 1);
    cr_assert_eq(exit_world.record.mmio_accesses, 1);
    cr_assert_eq(exit_world_vcpu()->state, VCPU_RUNNING);
}

/* XCHG with a device register: the load, then the store of the register,
 * which then holds what the device gave. */
Test(exits, mmio_exchange_loads_then_stores)
{
    static const uint8_t xchg[] = {0x87, 0x04, 0x25, 0x00, 0x03, 0xe0, 0xfe}; /* [0xfee00300] */

    start_mmio(0, xchg, sizeof(xchg));
    exit_world_vcpu()->arch.regs.rax = 0x1122334455667788ull;
    exit_world.answer.value = 0xabcd;
    cr_assert_eq(exit_world_exit(EXIT_REASON_EPT_VIOLATION), 1);
    cr_assert_eq(exit_world.record.mmio_accesses, 2);
    cr_assert_eq(exit_world_vcpu()->arch.regs.rax, 0xabcd, "32-bit: upper half cleared");
    cr_assert_eq(fake_cpu.vmcs[VMCS_GUEST_RIP], RIP + sizeof(xchg));
    cr_assert_null(exit_world.record.violation);
}

Test(exits, mmio_movsx_sign_extends_the_load)
{
    static const uint8_t movsx[] = {0x48, 0x0f, 0xbf, 0x08}; /* movsx rcx, word [rax] */

    start_mmio(0, movsx, sizeof(movsx));
    exit_world.answer.value = 0x8001;
    cr_assert_eq(exit_world_exit(EXIT_REASON_EPT_VIOLATION), 1);
    cr_assert_eq(exit_world_vcpu()->arch.regs.rcx, 0xffffffffffff8001ull);
}

/* An instruction the decoder does not take stops the partition with a
 * report; the hypervisor goes on. */
Test(exits, an_undecoded_mmio_instruction_stops_the_partition)
{
    static const uint8_t add[] = {0x01, 0x08}; /* add [rax], ecx */

    start_mmio(0, add, sizeof(add));
    exit_world_exit(EXIT_REASON_EPT_VIOLATION);
    cr_assert_eq(exit_world.record.mmio_accesses, 0);
    cr_assert_eq(exit_world_vcpu()->state, VCPU_CRASHED);
    cr_assert_eq(fake_cpu.fault, NULL);
}

/* An external interrupt arrived while the CPU delivered the guest's #PF:
 * the #PF (vector, type, error code) goes in again with the next entry. */
Test(exits, an_event_whose_delivery_an_exit_interrupted_is_delivered_again)
{
    start(GUEST_A, 0, 0);
    fake_cpu.vmcs[VMCS_IDT_VECTORING_INFO] = INTERRUPTION_VALID | (1u << 12) |
                                             INTERRUPTION_TYPE_HARDWARE_EXCEPTION |
                                             INTERRUPTION_DELIVER_ERROR_CODE | VECTOR_PF;
    fake_cpu.vmcs[VMCS_IDT_VECTORING_ERROR] = 0x6;
    cr_assert_eq(exit_world_exit(EXIT_REASON_EXTERNAL_INTERRUPT), 1);
    cr_assert_eq(injected(),
                 INTERRUPTION_VALID | INTERRUPTION_TYPE_HARDWARE_EXCEPTION |
                     INTERRUPTION_DELIVER_ERROR_CODE | VECTOR_PF,
                 "bit 12 is not part of the entry's information");
    cr_assert_eq(fake_cpu.vmcs[VMCS_ENTRY_EXCEPTION_ERROR_CODE], 0x6);
    cr_assert_eq(fake_cpu.vmcs[VMCS_GUEST_RIP], RIP);
}

/* A software interrupt (INT n) needs its instruction length again. */
Test(exits, a_software_interrupt_goes_in_again_with_its_length)
{
    start(GUEST_A, 0, 2);
    fake_cpu.vmcs[VMCS_IDT_VECTORING_INFO] =
        INTERRUPTION_VALID | INTERRUPTION_TYPE_SOFTWARE_INTERRUPT | 0x80;
    cr_assert_eq(exit_world_exit(EXIT_REASON_EXTERNAL_INTERRUPT), 1);
    cr_assert_eq(injected(), INTERRUPTION_VALID | INTERRUPTION_TYPE_SOFTWARE_INTERRUPT | 0x80);
    cr_assert_eq(fake_cpu.vmcs[VMCS_ENTRY_INSTRUCTION_LENGTH], 2);
}

Test(exits, every_entry_rechecks_the_ept_generation)
{
    start(GUEST_A, 0, 2);
    exit_world_vcpu()->arch.regs.rax = 0;
    cr_assert_eq(exit_world_exit(EXIT_REASON_CPUID), 1);
    cr_assert_eq(exit_world.record.ept_checks, 1, "no work was noted, the check ran all the same");
}

/* CPUID.1:ECX.OSXSAVE reports the guest's CR4.OSXSAVE, not the hypervisor's:
 * user code that sees it set runs XGETBV, which raises #UD while the
 * guest's CR4 has it clear. */
#define CPUID_1_OSXSAVE (1u << 27)

static uint32_t cpuid_osxsave(bool host_has_it, uint64_t guest_cr4)
{
    start(GUEST_A, 0, 2);
    fake_cpu.cpuid_1_ecx = host_has_it ? fake_cpu.cpuid_1_ecx | CPUID_1_OSXSAVE
                                       : fake_cpu.cpuid_1_ecx & ~CPUID_1_OSXSAVE;
    fake_cpu.vmcs[VMCS_GUEST_CR4] = guest_cr4;
    exit_world_vcpu()->arch.regs.rax = 1;
    exit_world_vcpu()->arch.regs.rcx = 0;
    cr_assert_eq(exit_world_exit(EXIT_REASON_CPUID), 1);
    return (uint32_t)exit_world_vcpu()->arch.regs.rcx & CPUID_1_OSXSAVE;
}

Test(exits, cpuid_osxsave_follows_the_guest_cr4)
{
    cr_assert_eq(cpuid_osxsave(true, CR4_PAE | CR4_VMXE), 0);
    cr_assert_eq(cpuid_osxsave(false, CR4_PAE | CR4_VMXE | CR4_OSXSAVE), CPUID_1_OSXSAVE);
}
