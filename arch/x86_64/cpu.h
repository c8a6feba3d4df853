/*
 * The only home of inline assembly for ordinary x86 instructions: CPUID,
 * MSRs, control registers, port I/O, descriptor tables and a few one-liners.
 * VMX instructions live in vmx_ops.h. Everything else calls these: the core,
 * the stub, the drivers and the guests (some wrappers exist for the guests'
 * checks alone, such as string I/O and INVD).
 */
#ifndef ARCH_X86_64_CPU_H
#define ARCH_X86_64_CPU_H

#include <stdbool.h>
#include <stdint.h>

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpu_cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

/* "memory" on the instructions that may fault: a guest that expects the
 * fault keeps its bookkeeping on the right side of it. */
static inline uint64_t cpu_read_msr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
    return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_write_msr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                     : "memory");
}

/* The fault-tolerant forms, for operands a guest chose and the CPU may
 * refuse. Each instruction that may fault gets an entry in .extable (the
 * faulting address, then where to go on); the hypervisor's exception
 * handler looks a #GP or #UD up there and resumes past the instruction
 * instead of stopping, so these return false and change nothing. */
#define CPU_FAULT_FIXUP(fault, resume)                                                             \
    ".pushsection .extable, \"a\"\n\t.balign 8\n\t.quad " fault ", " resume "\n\t.popsection\n\t"

static inline bool cpu_read_msr_safe(uint32_t msr, uint64_t *value)
{
    uint32_t lo = 0, hi = 0;
    uint8_t done = 0;

    __asm__ volatile("1: rdmsr\n\t"
                     "movb $1, %2\n\t"
                     "2:\n\t" CPU_FAULT_FIXUP("1b", "2b")
                     : "+a"(lo), "+d"(hi), "+r"(done)
                     : "c"(msr)
                     : "memory");
    *value = ((uint64_t)hi << 32) | lo;
    return done;
}

#define CPU_CR_ACCESSORS(n)                                                                        \
    static inline uint64_t cpu_read_cr##n(void)                                                    \
    {                                                                                              \
        uint64_t v;                                                                                \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                                          \
        return v;                                                                                  \
    }                                                                                              \
    static inline void cpu_write_cr##n(uint64_t v)                                                 \
    {                                                                                              \
        __asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory");                                   \
    }
CPU_CR_ACCESSORS(0)
CPU_CR_ACCESSORS(2)
CPU_CR_ACCESSORS(3)
CPU_CR_ACCESSORS(4)
#undef CPU_CR_ACCESSORS

static inline void cpu_outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" ::"a"(value), "Nd"(port));
}

static inline void cpu_outw(uint16_t port, uint16_t value)
{
    __asm__ volatile("outw %0, %1" ::"a"(value), "Nd"(port));
}

static inline void cpu_outl(uint16_t port, uint32_t value)
{
    __asm__ volatile("outl %0, %1" ::"a"(value), "Nd"(port));
}

static inline uint8_t cpu_inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint16_t cpu_inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t cpu_inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/*
 * String port I/O. Each returns the index register (RSI for OUTS, RDI for
 * INS) and RCX as the instruction left them, for guests that check them.
 * The _backward forms run with RFLAGS.DF set and clear it again (not when
 * the instruction faults: a handler that carries on must clear it); the
 * _addr32 forms use 32-bit addresses (ESI/EDI and ECX).
 */
struct cpu_string_io_result {
    uint64_t index, count;
};

/* index_out: "=S" for OUTS (reads memory), "=D" for INS (writes it). */
#define CPU_STRING_IO(name, insn, index_out, buffer_type)                                          \
    static inline struct cpu_string_io_result name(uint16_t port, buffer_type buffer,              \
                                                   uint64_t count)                                 \
    {                                                                                              \
        struct cpu_string_io_result r;                                                             \
        __asm__ volatile(insn                                                                      \
                         : index_out(r.index), "=c"(r.count)                                       \
                         : "0"(buffer), "1"(count), "d"(port)                                      \
                         : "memory");                                                              \
        return r;                                                                                  \
    }
#define CPU_STRING_OUT(name, insn) CPU_STRING_IO(name, insn, "=S", const void *)
#define CPU_STRING_IN(name, insn)  CPU_STRING_IO(name, insn, "=D", void *)
CPU_STRING_OUT(cpu_outsb_once, "outsb")
CPU_STRING_OUT(cpu_rep_outsb, "rep outsb")
CPU_STRING_OUT(cpu_rep_outsw, "rep outsw")
CPU_STRING_OUT(cpu_rep_outsd, "rep outsl")
CPU_STRING_OUT(cpu_rep_outsb_backward, "std; rep outsb; cld")
CPU_STRING_OUT(cpu_rep_outsb_addr32, "addr32 rep outsb")
CPU_STRING_IN(cpu_insb_once, "insb")
CPU_STRING_IN(cpu_rep_insb, "rep insb")
CPU_STRING_IN(cpu_rep_insw, "rep insw")
CPU_STRING_IN(cpu_rep_insd, "rep insl")
CPU_STRING_IN(cpu_rep_insb_addr32, "addr32 rep insb")
#undef CPU_STRING_OUT
#undef CPU_STRING_IN
#undef CPU_STRING_IO

static inline uint64_t cpu_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* RDTSC ordered after everything before it (LFENCE), so a measurement
 * covers what it should. Under Bochs the TSC counts emulated instructions. */
static inline uint64_t cpu_rdtsc_ordered(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

/* The low 64 bits of XMM0, for the guests' checks of the SSE state (the
 * core itself is built without SSE). */
static inline uint64_t cpu_read_xmm0(void)
{
    uint64_t value;
    __asm__ volatile("movq %%xmm0, %0" : "=r"(value));
    return value;
}

static inline void cpu_write_xmm0(uint64_t value)
{
    __asm__ volatile("movq %0, %%xmm0" ::"r"(value));
}

static inline void cpu_disable_interrupts(void)
{
    __asm__ volatile("cli" ::: "memory");
}
static inline void cpu_enable_interrupts(void)
{
    __asm__ volatile("sti" ::: "memory");
}
#define CPU_RFLAGS_IF (1ull << 9)

/* Interrupts off for a short critical section; returns RFLAGS to restore. */
static inline uint64_t cpu_interrupts_save_disable(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags)::"memory");
    return flags;
}
static inline void cpu_interrupts_restore(uint64_t flags)
{
    if (flags & CPU_RFLAGS_IF)
        __asm__ volatile("sti" ::: "memory");
}
static inline void cpu_halt(void)
{
    __asm__ volatile("hlt" ::: "memory");
}
/* STI's one-instruction shadow makes "sti; hlt" atomic: an interrupt that
 * is already pending wakes the HLT instead of slipping in before it. */
static inline void cpu_enable_interrupts_and_halt(void)
{
    __asm__ volatile("sti; hlt" ::: "memory");
}

/* Waits for an interrupt with none lost, and returns with interrupts off. */
static inline void cpu_wait_for_interrupt(void)
{
    cpu_enable_interrupts_and_halt();
    cpu_disable_interrupts();
}

/* Lets interrupts that are already pending in: STI only takes effect after
 * the instruction that follows it, so "sti; cli" alone would keep them out. */
static inline void cpu_interrupt_window(void)
{
    __asm__ volatile("sti; nop; cli" ::: "memory");
}

static inline void cpu_int3(void)
{
    __asm__ volatile("int3" ::: "memory");
}

static inline void cpu_pause(void)
{
    __asm__ volatile("pause" ::: "memory");
}

/* An IRETQ to the next instruction, on the same stack: ends the NMI
 * blocking that a VM exit caused by an NMI leaves behind, as only IRET
 * does (SDM Vol. 3A 6.7.1, Vol. 3C 24.1 and the VM-exit chapter). */
static inline void cpu_iret_to_self(void)
{
    __asm__ volatile("mov %%ss, %%eax\n\t"
                     "mov %%rsp, %%rcx\n\t"
                     "push %%rax\n\t"
                     "push %%rcx\n\t"
                     "pushfq\n\t"
                     "mov %%cs, %%eax\n\t"
                     "push %%rax\n\t"
                     "lea 1f(%%rip), %%rax\n\t"
                     "push %%rax\n\t"
                     "iretq\n"
                     "1:"
                     :
                     :
                     : "rax", "rcx", "memory");
}

/* Stops this CPU for good: interrupts off, halt forever (NMIs return to hlt). */
static inline __attribute__((noreturn)) void cpu_stop(void)
{
    for (;;)
        __asm__ volatile("cli; hlt" ::: "memory");
}

struct __attribute__((packed)) cpu_table_pointer {
    uint16_t limit;
    uint64_t base;
};

static inline void cpu_load_gdt(const struct cpu_table_pointer *p)
{
    __asm__ volatile("lgdt %0" ::"m"(*p) : "memory");
}

static inline void cpu_load_idt(const struct cpu_table_pointer *p)
{
    __asm__ volatile("lidt %0" ::"m"(*p) : "memory");
}

static inline void cpu_load_tr(uint16_t selector)
{
    __asm__ volatile("ltr %0" ::"r"(selector) : "memory");
}

/* Reloads CS through a far return, DS/ES/SS with data_sel and FS/GS with the
 * null selector. FS/GS bases are lost: set them again through their MSRs. */
static inline void cpu_reload_segments(uint16_t code_sel, uint16_t data_sel)
{
    __asm__ volatile("pushq %q0\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "mov %w1, %%ds\n\t"
                     "mov %w1, %%es\n\t"
                     "mov %w1, %%ss\n\t"
                     "mov %w2, %%fs\n\t"
                     "mov %w2, %%gs\n\t"
                     :
                     : "r"((uint64_t)code_sel), "r"(data_sel), "r"(0)
                     : "rax", "memory");
}

/* The per-CPU pointer kept at offset 0 of the GS segment. */
static inline void *cpu_read_gs_pointer(void)
{
    void *p;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(p));
    return p;
}

static inline void cpu_wbinvd(void)
{
    __asm__ volatile("wbinvd" ::: "memory");
}

static inline void cpu_invd(void)
{
    __asm__ volatile("invd" ::: "memory");
}

/* XGETBV/XSETBV raise #UD unless CR4.OSXSAVE is set. */
static inline uint64_t cpu_xgetbv(uint32_t index)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
    return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_xsetbv(uint32_t index, uint64_t value)
{
    __asm__ volatile("xsetbv" ::"c"(index), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                     : "memory");
}

static inline bool cpu_xsetbv_safe(uint32_t index, uint64_t value)
{
    uint8_t done = 0;

    __asm__ volatile("1: xsetbv\n\t"
                     "movb $1, %0\n\t"
                     "2:\n\t" CPU_FAULT_FIXUP("1b", "2b")
                     : "+r"(done)
                     : "c"(index), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                     : "memory");
    return done;
}

/* Loads x87/SSE/AVX state from a save area (XRSTOR, standard form). */
static inline void cpu_xrstor(const void *area, uint64_t components)
{
    __asm__ volatile("xrstor64 %0" ::"m"(*(const char(*)[64])area), "a"((uint32_t)components),
                     "d"((uint32_t)(components >> 32))
                     : "memory");
}

static inline void cpu_fxrstor(const void *area)
{
    __asm__ volatile("fxrstor64 %0" ::"m"(*(const char(*)[512])area) : "memory");
}

static inline void cpu_invlpg(uint64_t va)
{
    __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

static inline void cpu_flush_tlb(void)
{
    cpu_write_cr3(cpu_read_cr3());
}

/* Reads a segment/system register by name; used to fill VMCS host state. */
#define CPU_SEG_READER(name)                                                                       \
    static inline uint16_t cpu_read_##name(void)                                                   \
    {                                                                                              \
        uint16_t v;                                                                                \
        __asm__ volatile("mov %%" #name ", %0" : "=r"(v));                                         \
        return v;                                                                                  \
    }
CPU_SEG_READER(cs)
CPU_SEG_READER(ss)
CPU_SEG_READER(ds)
CPU_SEG_READER(es)
CPU_SEG_READER(fs)
CPU_SEG_READER(gs)
#undef CPU_SEG_READER

static inline uint16_t cpu_read_tr(void)
{
    uint16_t v;
    __asm__ volatile("str %0" : "=r"(v));
    return v;
}

static inline void cpu_store_gdt(struct cpu_table_pointer *p)
{
    __asm__ volatile("sgdt %0" : "=m"(*p));
}
static inline void cpu_store_idt(struct cpu_table_pointer *p)
{
    __asm__ volatile("sidt %0" : "=m"(*p));
}

/* Calls a function on a new stack; used once per CPU to leave the boot stack. */
static inline __attribute__((noreturn)) void cpu_switch_stack(uint64_t stack_top,
                                                              void (*fn)(void *), void *arg)
{
    __asm__ volatile("mov %0, %%rsp\n\t"
                     "xor %%ebp, %%ebp\n\t"
                     "call *%1\n\t"
                     "ud2" ::"r"(stack_top),
                     "r"(fn), "D"(arg)
                     : "memory");
    __builtin_unreachable();
}

#define MSR_IA32_APIC_BASE               0x1b
#define MSR_IA32_FEATURE_CONTROL         0x3a
#define MSR_IA32_BIOS_UPDT_TRIG          0x79
#define MSR_IA32_SMRR_PHYSBASE           0x1f2
#define MSR_IA32_MTRR_DEF_TYPE           0x2ff
#define MSR_IA32_VMX_BASIC               0x480
#define MSR_IA32_VMX_PINBASED_CTLS       0x481
#define MSR_IA32_VMX_PROCBASED_CTLS      0x482
#define MSR_IA32_VMX_EXIT_CTLS           0x483
#define MSR_IA32_VMX_ENTRY_CTLS          0x484
#define MSR_IA32_VMX_MISC                0x485
#define MSR_IA32_VMX_CR0_FIXED0          0x486
#define MSR_IA32_VMX_CR0_FIXED1          0x487
#define MSR_IA32_VMX_CR4_FIXED0          0x488
#define MSR_IA32_VMX_CR4_FIXED1          0x489
#define MSR_IA32_VMX_PROCBASED_CTLS2     0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP        0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS  0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS      0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS     0x490
#define MSR_IA32_PAT                     0x277
#define MSR_IA32_EFER                    0xc0000080
#define MSR_IA32_FS_BASE                 0xc0000100
#define MSR_IA32_GS_BASE                 0xc0000101
#define MSR_IA32_KERNEL_GS_BASE          0xc0000102

#define CPUID_1_ECX_XSAVE (1u << 26)

#define FEATURE_CONTROL_LOCKED          (1ull << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX (1ull << 2)

#define CR0_PE         (1ull << 0)
#define CR0_MP         (1ull << 1)
#define CR0_EM         (1ull << 2)
#define CR0_TS         (1ull << 3)
#define CR0_ET         (1ull << 4)
#define CR0_NE         (1ull << 5)
#define CR0_WP         (1ull << 16)
#define CR0_NW         (1ull << 29)
#define CR0_CD         (1ull << 30)
#define CR0_PG         (1ull << 31)
#define CR4_PAE        (1ull << 5)
#define CR4_PGE        (1ull << 7)
#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_PCIDE      (1ull << 17)
#define CR4_OSXSAVE    (1ull << 18)
#define CR4_PKE        (1ull << 22)
#define CR4_CET        (1ull << 23)
#define CR4_VMXE       (1ull << 13)
#define EFER_SCE       (1ull << 0)
#define EFER_LME       (1ull << 8)
#define EFER_LMA       (1ull << 10)
#define EFER_NXE       (1ull << 11)

#endif
