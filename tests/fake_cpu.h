/*
 * A fake CPU for host tests of the VM-exit path, taken in with
 * `-include tests/fake_cpu.h` ahead of the real sources. The real cpu.h and
 * vmx_ops.h still give their constants and types, but the wrappers that an
 * exit handler may call (VMREAD/VMWRITE, RDMSR/WRMSR, XSETBV, CPUID, CR2,
 * cache flushes) become calls into tests/fake_cpu.c: a VMCS that is an
 * array indexed by field encoding, and a host CPU that refuses, as the real
 * one would with a #GP, every operand the hardware does not take. Every
 * other wrapper keeps its real instruction, which faults in a host process:
 * a handler that reaches one crashes the test, as it would crash the
 * hypervisor.
 */
#ifndef TESTS_FAKE_CPU_H
#define TESTS_FAKE_CPU_H

#include <stdbool.h>
#include <stdint.h>

/* The real wrappers under other names, so the real headers still compile
 * (and give their constants) while the names below reach the fakes. */
#define cpu_cpuid         real_cpu_cpuid
#define cpu_read_msr      real_cpu_read_msr
#define cpu_write_msr     real_cpu_write_msr
#define cpu_write_cr2     real_cpu_write_cr2
#define cpu_read_cr2      real_cpu_read_cr2
#define cpu_xsetbv        real_cpu_xsetbv
#define cpu_read_msr_safe real_cpu_read_msr_safe
#define cpu_xsetbv_safe   real_cpu_xsetbv_safe
#define cpu_xgetbv        real_cpu_xgetbv
#define cpu_wbinvd        real_cpu_wbinvd
#define cpu_invd          real_cpu_invd
#define vmcs_read         real_vmcs_read
#define vmcs_write        real_vmcs_write
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/vmx_ops.h"
#undef cpu_cpuid
#undef cpu_read_msr
#undef cpu_write_msr
#undef cpu_write_cr2
#undef cpu_read_cr2
#undef cpu_xsetbv
#undef cpu_read_msr_safe
#undef cpu_xsetbv_safe
#undef cpu_xgetbv
#undef cpu_wbinvd
#undef cpu_invd
#undef vmcs_read
#undef vmcs_write

struct cpuid_regs cpu_cpuid(uint32_t leaf, uint32_t subleaf);
uint64_t cpu_read_msr(uint32_t msr);
void cpu_write_msr(uint32_t msr, uint64_t value);
void cpu_write_cr2(uint64_t value);
uint64_t cpu_read_cr2(void);
void cpu_xsetbv(uint32_t index, uint64_t value);
/* The fault-tolerant forms: what the host refuses is a false return (the
 * #GP the hypervisor catches), not a fault of the test. */
bool cpu_read_msr_safe(uint32_t msr, uint64_t *value);
bool cpu_xsetbv_safe(uint32_t index, uint64_t value);
uint64_t cpu_xgetbv(uint32_t index);
void cpu_wbinvd(void);
void cpu_invd(void);
uint64_t vmcs_read(enum vmcs_field field);
void vmcs_write(enum vmcs_field field, uint64_t value);

/* Field encodings are 15 bits wide (SDM Vol. 3C Appendix B). */
#define FAKE_VMCS_FIELDS 0x8000

/* 8 variable MTRRs, the fixed ones and write combining: the MTRRs every
 * test sees (exit_msr.c reads MTRRCAP once per process). */
#define FAKE_MTRRCAP 0x508ull

/* IA32_BIOS_SIGN_ID: revision 0x2000065, with bits below that no CPU sets. */
#define FAKE_MICROCODE_REVISION 0x02000065000000ffull

struct fake_cpu {
    uint64_t vmcs[FAKE_VMCS_FIELDS];
    unsigned vmcs_writes[FAKE_VMCS_FIELDS];
    /* What the host reports; a test may change them before an exit. */
    uint64_t vmx_basic;
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
    uint64_t xcr0_supported; /* CPUID.(EAX=0xD,ECX=0) EDX:EAX */
    uint32_t cpuid_1_ecx;
    /* What the handlers did to it. */
    uint64_t xcr0, cr2;
    unsigned msr_reads, msr_writes, xsetbvs, cr2_writes, cache_flushes;
    unsigned refusals_caught; /* by the fault-tolerant forms */
    uint32_t last_msr_read;
    /* The first operand the real CPU would have refused (a host #GP), or
     * 0: the fake goes on, the test decides. */
    const char *fault;
};

extern struct fake_cpu fake_cpu;

/* A VMCS of zeros and a typical host (VMX fixed bits, x87/SSE/AVX). */
void fake_cpu_reset(void);

/* Whether the fake host has this MSR at all (RDMSR of another #GPs). */
bool fake_cpu_has_msr(uint32_t msr);

/* Whether XSETBV takes XCR0 = value on this host, by SDM Vol. 1 13.3. */
bool fake_cpu_xcr0_valid(uint64_t value);

#endif
