/*
 * The only home of inline assembly in the guests: port I/O (plain and
 * string), MSRs, CPUID, control registers, XCR0, cache and descriptor-table
 * instructions, the VMX instructions the hostile guests try, and VMCALL for
 * hypercalls.
 * Everything else calls these.
 */
#ifndef GUESTS_LIB_CPU_H
#define GUESTS_LIB_CPU_H

#include <stdint.h>

#define CR4_VMXE    (1ull << 13)
#define CR4_OSXSAVE (1ull << 18)

#define MSR_IA32_APIC_BASE       0x1b
#define MSR_IA32_FEATURE_CONTROL 0x3a
#define MSR_IA32_BIOS_UPDT_TRIG  0x79
#define MSR_IA32_SMRR_PHYSBASE   0x1f2
#define MSR_IA32_MTRR_DEF_TYPE   0x2ff
#define MSR_IA32_VMX_BASIC       0x480
#define MSR_IA32_EFER            0xc0000080

#define EFER_NXE (1ull << 11)

#define CPUID_1_ECX_XSAVE (1u << 26)

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

/* A 10-byte descriptor-table register image, as LIDT/SIDT read and write it. */
struct __attribute__((packed)) table_register {
    uint16_t limit;
    uint64_t base;
};

static inline void outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" ::"a"(value), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t value)
{
    __asm__ volatile("outl %0, %1" ::"a"(value), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t value;
    __asm__ volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

/*
 * String port I/O. Each returns the index register (RSI for OUTS, RDI for
 * INS) and RCX as the instruction left them, for guests that check them.
 * The _backward forms run with RFLAGS.DF set and clear it again (not when
 * the instruction faults: a handler that carries on must clear it); the
 * _addr32 forms use 32-bit addresses (ESI/EDI and ECX).
 */
struct string_io_result {
    uint64_t index, count;
};

#define STRING_IO_OUT(name, insn)                                                                  \
    static inline struct string_io_result name(uint16_t port, const void *from, uint64_t count)    \
    {                                                                                              \
        struct string_io_result r;                                                                 \
        __asm__ volatile(insn                                                                      \
                         : "=S"(r.index), "=c"(r.count)                                            \
                         : "0"(from), "1"(count), "d"(port)                                        \
                         : "memory");                                                              \
        return r;                                                                                  \
    }
#define STRING_IO_IN(name, insn)                                                                   \
    static inline struct string_io_result name(uint16_t port, void *to, uint64_t count)            \
    {                                                                                              \
        struct string_io_result r;                                                                 \
        __asm__ volatile(insn                                                                      \
                         : "=D"(r.index), "=c"(r.count)                                            \
                         : "0"(to), "1"(count), "d"(port)                                          \
                         : "memory");                                                              \
        return r;                                                                                  \
    }
STRING_IO_OUT(outsb_once, "outsb")
STRING_IO_OUT(rep_outsb, "rep outsb")
STRING_IO_OUT(rep_outsw, "rep outsw")
STRING_IO_OUT(rep_outsd, "rep outsl")
STRING_IO_OUT(rep_outsb_backward, "std; rep outsb; cld")
STRING_IO_OUT(rep_outsb_addr32, "addr32 rep outsb")
STRING_IO_IN(insb_once, "insb")
STRING_IO_IN(rep_insb, "rep insb")
STRING_IO_IN(rep_insd, "rep insl")
STRING_IO_IN(rep_insb_addr32, "addr32 rep insb")
#undef STRING_IO_OUT
#undef STRING_IO_IN

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                     : "memory");
}

/* read_crN() and write_crN() for CR0, CR2, CR3 and CR4. */
#define CR_ACCESSORS(n)                                                                            \
    static inline uint64_t read_cr##n(void)                                                        \
    {                                                                                              \
        uint64_t value;                                                                            \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(value));                                      \
        return value;                                                                              \
    }                                                                                              \
    static inline void write_cr##n(uint64_t value)                                                 \
    {                                                                                              \
        __asm__ volatile("mov %0, %%cr" #n ::"r"(value) : "memory");                               \
    }
CR_ACCESSORS(0)
CR_ACCESSORS(2)
CR_ACCESSORS(3)
CR_ACCESSORS(4)
#undef CR_ACCESSORS

/* XGETBV/XSETBV raise #UD unless CR4.OSXSAVE is set. */
static inline uint64_t xgetbv(uint32_t xcr)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(xcr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void xsetbv(uint32_t xcr, uint64_t value)
{
    __asm__ volatile("xsetbv" ::"c"(xcr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                     : "memory");
}

/* RDTSC ordered after everything before it (LFENCE), so a measurement
 * covers what it should. Under Bochs the TSC counts emulated instructions. */
static inline uint64_t rdtsc_ordered(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

/* The low 64 bits of XMM0, for checks of the SSE state. */
static inline uint64_t xmm0_read(void)
{
    uint64_t value;
    __asm__ volatile("movq %%xmm0, %0" : "=r"(value));
    return value;
}

static inline void xmm0_write(uint64_t value)
{
    __asm__ volatile("movq %0, %%xmm0" ::"r"(value));
}

static inline void cli(void)
{
    __asm__ volatile("cli" ::: "memory");
}

static inline void sti(void)
{
    __asm__ volatile("sti" ::: "memory");
}

static inline void hlt(void)
{
    __asm__ volatile("hlt" ::: "memory");
}

/* Waits for an interrupt with none lost: STI's one-instruction shadow
 * covers the HLT, so an interrupt that is already waiting wakes it. */
static inline void sti_hlt(void)
{
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}

/* Lets interrupts that are already pending in: STI only takes effect after
 * the instruction that follows it, so "sti; cli" alone would keep them out. */
static inline void interrupt_window(void)
{
    __asm__ volatile("sti; nop; cli" ::: "memory");
}

static inline void invd(void)
{
    __asm__ volatile("invd" ::: "memory");
}

static inline void wbinvd(void)
{
    __asm__ volatile("wbinvd" ::: "memory");
}

static inline void invlpg(uint64_t address)
{
    __asm__ volatile("invlpg (%0)" ::"r"(address) : "memory");
}

static inline void lidt(const struct table_register *idtr)
{
    __asm__ volatile("lidt %0" ::"m"(*idtr) : "memory");
}

static inline void lgdt(const struct table_register *gdtr)
{
    __asm__ volatile("lgdt %0" ::"m"(*gdtr) : "memory");
}

static inline void ltr(uint16_t selector)
{
    __asm__ volatile("ltr %0" ::"r"(selector) : "memory");
}

static inline void int3(void)
{
    __asm__ volatile("int3" ::: "memory");
}

/* VMX instructions: a guest may only ever see #UD from them. */
static inline void vmxon(uint64_t region_address)
{
    __asm__ volatile("vmxon %0" ::"m"(region_address) : "memory", "cc");
}

static inline uint64_t vmread(uint64_t field)
{
    uint64_t value;
    __asm__ volatile("vmread %1, %0" : "=r"(value) : "r"(field) : "cc");
    return value;
}

struct invept_descriptor {
    uint64_t eptp;
    uint64_t reserved;
};

static inline void invept(uint64_t type, const struct invept_descriptor *descriptor)
{
    __asm__ volatile("invept %0, %1" ::"m"(*descriptor), "r"(type) : "memory", "cc");
}

/*
 * A hypercall, in the register convention of include/bulkhead/hypercall.h: RAX = number,
 * RDI RSI RDX R10 R8 R9 = arguments, result in RAX; nothing else changes.
 * "memory" because the hypervisor may read or write the buffers passed.
 */
static inline int64_t vmcall(uint64_t number, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
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

#endif
