/*
 * The VM-exit handlers through the real dispatcher, on the fake CPU and
 * VMCS of tests/fake_cpu.h and the machine of tests/exit_world.h.
 */
#include <criterion/criterion.h>

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
