#include "arch/x86_64/vmcs_setup.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/descriptors.h"
#include "lib/page_tables.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/vmx.h"
#include "arch/x86_64/vmx_ops.h"
#include "hv/memory.h"

extern char vmx_exit_entry[];

uint64_t vmcs_create(void)
{
    uint64_t vmcs = memory_alloc_pages(1);

    if (!vmcs)
        return 0;
    *(uint32_t *)phys_to_virt(vmcs) = vmx_revision();
    if (!vmx_clear(vmcs) || !vmx_load(vmcs))
        return 0;
    return vmcs;
}

static bool write_control(enum vmcs_field field, uint32_t msr, uint32_t wanted)
{
    uint32_t value;

    if (!vmx_adjust_controls(vmx_control_msr(msr), wanted, &value))
        return false;
    vmcs_write(field, value);
    return true;
}

/* Those of `bits` the CPU allows to be set. */
static uint32_t allowed_controls(uint32_t msr, uint32_t bits)
{
    return (uint32_t)(cpu_read_msr(vmx_control_msr(msr)) >> 32) & bits;
}

/* Virtual NMIs let the hypervisor hand NMIs to a guest and know when the
 * guest's IRET ends one (arch/x86_64/vcpu_irq.c); every VT-x CPU since the
 * first with EPT has them. */
static bool setup_execution_controls(const struct vmcs_guest_controls *c)
{
    uint32_t pin = PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING |
                   allowed_controls(MSR_IA32_VMX_PINBASED_CTLS, PIN_VIRTUAL_NMIS) |
                   (c->preemption_timer ? PIN_PREEMPTION_TIMER : 0);
    uint32_t primary = PROC_HLT_EXITING | PROC_MWAIT_EXITING | PROC_RDPMC_EXITING |
                       PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING | PROC_USE_IO_BITMAPS |
                       PROC_USE_MSR_BITMAPS | PROC_MONITOR_EXITING | PROC_ACTIVATE_SECONDARY;
    /* Without these two controls RDTSCP and INVPCID raise #UD although
     * CPUID shows them; every CPU that has the instructions allows them. */
    uint32_t secondary =
        PROC2_ENABLE_EPT | PROC2_ENABLE_VPID | PROC2_UNRESTRICTED_GUEST | PROC2_WBINVD_EXITING |
        allowed_controls(MSR_IA32_VMX_PROCBASED_CTLS2, PROC2_ENABLE_RDTSCP | PROC2_ENABLE_INVPCID);

    return write_control(VMCS_PIN_BASED_CONTROLS, MSR_IA32_VMX_PINBASED_CTLS, pin) &&
           write_control(VMCS_PROC_BASED_CONTROLS, MSR_IA32_VMX_PROCBASED_CTLS, primary) &&
           write_control(VMCS_PROC_BASED_CONTROLS2, MSR_IA32_VMX_PROCBASED_CTLS2, secondary);
}

/* EFER and PAT are switched on every entry and exit, so the guest owns its
 * own values and may write them directly. */
static bool setup_transition_controls(const struct vmcs_guest_controls *c)
{
    uint32_t exit = EXIT_HOST_ADDRESS_SPACE_SIZE | EXIT_ACK_INTERRUPT | EXIT_SAVE_IA32_EFER |
                    EXIT_LOAD_IA32_EFER | EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT;
    uint32_t entry =
        ENTRY_LOAD_IA32_EFER | ENTRY_LOAD_IA32_PAT | (c->long_mode ? ENTRY_IA32E_MODE_GUEST : 0);

    return write_control(VMCS_EXIT_CONTROLS, MSR_IA32_VMX_EXIT_CTLS, exit) &&
           write_control(VMCS_ENTRY_CONTROLS, MSR_IA32_VMX_ENTRY_CTLS, entry);
}

bool vmcs_setup_controls(const struct vmcs_guest_controls *c)
{
    if (!setup_execution_controls(c) || !setup_transition_controls(c))
        return false;
    /* A machine check is the hypervisor's to handle, never the guest's
     * (arch/x86_64/machine_check.c). */
    vmcs_write(VMCS_EXCEPTION_BITMAP, 1u << VECTOR_MC);
    vmcs_write(VMCS_CR3_TARGET_COUNT, 0);
    vmcs_write(VMCS_EXIT_MSR_STORE_COUNT, 0);
    vmcs_write(VMCS_EXIT_MSR_LOAD_COUNT, 0);
    vmcs_write(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
    vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO, 0);
    vmcs_write(VMCS_IO_BITMAP_A, c->io_bitmaps);
    vmcs_write(VMCS_IO_BITMAP_B, c->io_bitmaps + PAGE_SIZE);
    vmcs_write(VMCS_MSR_BITMAP, c->msr_bitmap);
    vmcs_write(VMCS_EPT_POINTER, c->eptp);
    vmcs_write(VMCS_VPID, c->vpid);
    vmcs_write(VMCS_LINK_POINTER, ~0ull);
    /* CR0.NE and CR4.VMXE are forced on in VMX operation; the guest sees
     * (and may set) only its own view of them through the read shadows. */
    vmcs_write(VMCS_CR0_GUEST_HOST_MASK, CR0_NE);
    vmcs_write(VMCS_CR4_GUEST_HOST_MASK, CR4_VMXE);
    vmcs_write(VMCS_CR4_READ_SHADOW, 0);
    return true;
}

void vmcs_setup_host(void)
{
    struct cpu_table_pointer gdtr, idtr;
    struct percpu *cpu = this_cpu();

    cpu_store_gdt(&gdtr);
    cpu_store_idt(&idtr);
    vmcs_write(VMCS_HOST_CR0, cpu_read_cr0());
    vmcs_write(VMCS_HOST_CR3, cpu_read_cr3());
    vmcs_write(VMCS_HOST_CR4, cpu_read_cr4());
    vmcs_write(VMCS_HOST_CS_SELECTOR, SELECTOR_CODE);
    vmcs_write(VMCS_HOST_SS_SELECTOR, SELECTOR_DATA);
    vmcs_write(VMCS_HOST_DS_SELECTOR, SELECTOR_DATA);
    vmcs_write(VMCS_HOST_ES_SELECTOR, SELECTOR_DATA);
    vmcs_write(VMCS_HOST_FS_SELECTOR, 0);
    vmcs_write(VMCS_HOST_GS_SELECTOR, 0);
    vmcs_write(VMCS_HOST_TR_SELECTOR, SELECTOR_TSS);
    vmcs_write(VMCS_HOST_FS_BASE, 0);
    vmcs_write(VMCS_HOST_GS_BASE, (uint64_t)(uintptr_t)cpu);
    vmcs_write(VMCS_HOST_TR_BASE, (uint64_t)(uintptr_t)&cpu->descriptors.tss);
    vmcs_write(VMCS_HOST_GDTR_BASE, gdtr.base);
    vmcs_write(VMCS_HOST_IDTR_BASE, idtr.base);
    vmcs_write(VMCS_HOST_SYSENTER_CS, 0);
    vmcs_write(VMCS_HOST_SYSENTER_ESP, 0);
    vmcs_write(VMCS_HOST_SYSENTER_EIP, 0);
    vmcs_write(VMCS_HOST_IA32_EFER, cpu_read_msr(MSR_IA32_EFER));
    vmcs_write(VMCS_HOST_IA32_PAT, cpu_read_msr(MSR_IA32_PAT));
    vmcs_write(VMCS_HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_entry);
}

/* IA32_PAT after reset: WB, WT, UC-, UC in both halves. */
#define GUEST_PAT_AT_RESET 0x0007040600070406ull

#define AR_CODE_REAL     0x9b /* present, accessed execute/read code */
#define AR_DATA_REAL     0x93 /* present, accessed read/write data */
#define AR_LDTR_UNUSABLE 0x10000
#define AR_TR_BUSY_16    0x8b /* present, busy TSS (16/32-bit) */

static void write_segment_with_base(enum vmcs_field selector_field, uint16_t selector,
                                    uint64_t base, uint32_t limit, uint32_t access)
{
    unsigned index = (selector_field - VMCS_GUEST_ES_SELECTOR) / 2;

    vmcs_write(selector_field, selector);
    vmcs_write((enum vmcs_field)(VMCS_GUEST_ES_LIMIT + 2 * index), limit);
    vmcs_write((enum vmcs_field)(VMCS_GUEST_ES_ACCESS + 2 * index), access);
    vmcs_write((enum vmcs_field)(VMCS_GUEST_ES_BASE + 2 * index), base);
}

static void write_segment(enum vmcs_field selector_field, uint16_t selector, uint32_t limit,
                          uint32_t access)
{
    write_segment_with_base(selector_field, selector, 0, limit, access);
}

/* Guest state every entry mode shares: no debug state, no SYSENTER target,
 * interrupts off, active. */
static void write_common_guest_state(uint64_t rip, uint64_t rsp)
{
    vmcs_write(VMCS_GUEST_IA32_PAT, GUEST_PAT_AT_RESET);
    vmcs_write(VMCS_GUEST_DR7, 0x400);
    vmcs_write(VMCS_GUEST_IA32_DEBUGCTL, 0);
    vmcs_write(VMCS_GUEST_SYSENTER_CS, 0);
    vmcs_write(VMCS_GUEST_SYSENTER_ESP, 0);
    vmcs_write(VMCS_GUEST_SYSENTER_EIP, 0);
    vmcs_write(VMCS_GUEST_RFLAGS, 0x2);
    vmcs_write(VMCS_GUEST_RIP, rip);
    vmcs_write(VMCS_GUEST_RSP, rsp);
    vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, 0);
    vmcs_write(VMCS_GUEST_ACTIVITY_STATE, 0);
}

void vmcs_setup_real_mode_guest(uint16_t cs, uint64_t rip, uint64_t rsp)
{
    write_segment(VMCS_GUEST_ES_SELECTOR, 0, 0xffff, AR_DATA_REAL);
    write_segment_with_base(VMCS_GUEST_CS_SELECTOR, cs, (uint64_t)cs << 4, 0xffff, AR_CODE_REAL);
    write_segment(VMCS_GUEST_SS_SELECTOR, 0, 0xffff, AR_DATA_REAL);
    write_segment(VMCS_GUEST_DS_SELECTOR, 0, 0xffff, AR_DATA_REAL);
    write_segment(VMCS_GUEST_FS_SELECTOR, 0, 0xffff, AR_DATA_REAL);
    write_segment(VMCS_GUEST_GS_SELECTOR, 0, 0xffff, AR_DATA_REAL);
    write_segment(VMCS_GUEST_LDTR_SELECTOR, 0, 0xffff, AR_LDTR_UNUSABLE);
    write_segment(VMCS_GUEST_TR_SELECTOR, 0, 0xffff, AR_TR_BUSY_16);
    vmcs_write(VMCS_GUEST_GDTR_BASE, 0);
    vmcs_write(VMCS_GUEST_GDTR_LIMIT, 0xffff);
    vmcs_write(VMCS_GUEST_IDTR_BASE, 0);
    vmcs_write(VMCS_GUEST_IDTR_LIMIT, 0xffff);

    /* Unrestricted guest lets CR0.PE and PG be clear; the other fixed bits
     * (NE) still apply (SDM Vol. 3C 26.3.1.1). */
    vmcs_write(VMCS_GUEST_CR0,
               (cpu_read_msr(MSR_IA32_VMX_CR0_FIXED0) & ~(CR0_PE | CR0_PG)) | CR0_ET);
    vmcs_write(VMCS_CR0_READ_SHADOW, CR0_ET);
    vmcs_write(VMCS_GUEST_CR3, 0);
    vmcs_write(VMCS_GUEST_CR4, cpu_read_msr(MSR_IA32_VMX_CR4_FIXED0));
    vmcs_write(VMCS_GUEST_IA32_EFER, 0);
    write_common_guest_state(rip, rsp);
}

#define AR_CODE_LONG  0xa09b /* present, L, G, execute/read, accessed */
#define AR_CODE_32    0xc09b /* present, D/B, G, execute/read, accessed */
#define AR_DATA_FLAT  0xc093 /* present, D/B, G, read/write, accessed */
#define AR_TR_BUSY_32 0x8b   /* present, busy 32-bit (or, in IA-32e mode, 64-bit) TSS */

static void write_flat_segments(const struct vmcs_flat_guest *guest, uint32_t code_access)
{
    static const enum vmcs_field data_segments[] = {
        VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_DS_SELECTOR,
        VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_GS_SELECTOR,
    };

    write_segment(VMCS_GUEST_CS_SELECTOR, guest->code_selector, 0xffffffff, code_access);
    for (unsigned i = 0; i < sizeof(data_segments) / sizeof(data_segments[0]); i++)
        write_segment(data_segments[i], guest->data_selector, 0xffffffff, AR_DATA_FLAT);
    write_segment(VMCS_GUEST_LDTR_SELECTOR, 0, 0, AR_LDTR_UNUSABLE);
    write_segment(VMCS_GUEST_TR_SELECTOR, 0, 0x67, AR_TR_BUSY_32);
    vmcs_write(VMCS_GUEST_GDTR_BASE, guest->gdt_base);
    vmcs_write(VMCS_GUEST_GDTR_LIMIT, guest->gdt_limit);
    vmcs_write(VMCS_GUEST_IDTR_BASE, 0);
    vmcs_write(VMCS_GUEST_IDTR_LIMIT, 0);
}

void vmcs_setup_long_mode_guest(const struct vmcs_flat_guest *guest)
{
    uint64_t cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
    uint64_t cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;

    write_flat_segments(guest, AR_CODE_LONG);
    vmcs_write(VMCS_GUEST_CR0, cr0 | cpu_read_msr(MSR_IA32_VMX_CR0_FIXED0));
    vmcs_write(VMCS_CR0_READ_SHADOW, cr0);
    vmcs_write(VMCS_GUEST_CR3, guest->page_tables);
    vmcs_write(VMCS_GUEST_CR4, cr4 | cpu_read_msr(MSR_IA32_VMX_CR4_FIXED0));
    vmcs_write(VMCS_CR4_READ_SHADOW, cr4);
    vmcs_write(VMCS_GUEST_IA32_EFER, EFER_LME | EFER_LMA | EFER_NXE);
    write_common_guest_state(guest->rip, guest->rsp);
}

/* CR0 as after a far jump from real mode with only PE set; unrestricted
 * guest exempts PG from the fixed-1 bits (SDM Vol. 3C 26.3.1.1). */
void vmcs_setup_protected_mode_guest(const struct vmcs_flat_guest *guest)
{
    uint64_t cr0 = CR0_PE | CR0_ET;

    write_flat_segments(guest, AR_CODE_32);
    vmcs_write(VMCS_GUEST_CR0, cr0 | (cpu_read_msr(MSR_IA32_VMX_CR0_FIXED0) & ~CR0_PG));
    vmcs_write(VMCS_CR0_READ_SHADOW, cr0);
    vmcs_write(VMCS_GUEST_CR3, 0);
    vmcs_write(VMCS_GUEST_CR4, cpu_read_msr(MSR_IA32_VMX_CR4_FIXED0));
    vmcs_write(VMCS_CR4_READ_SHADOW, 0);
    vmcs_write(VMCS_GUEST_IA32_EFER, 0);
    write_common_guest_state(guest->rip, guest->rsp);
}
