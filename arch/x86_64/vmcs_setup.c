#include "arch/x86_64/vmcs_setup.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/descriptors.h"
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

bool vmcs_setup_controls(uint64_t eptp, uint16_t vpid)
{
    bool ok =
        write_control(VMCS_PIN_BASED_CONTROLS, MSR_IA32_VMX_PINBASED_CTLS,
                      PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING) &&
        write_control(VMCS_PROC_BASED_CONTROLS, MSR_IA32_VMX_PROCBASED_CTLS,
                      PROC_HLT_EXITING | PROC_UNCONDITIONAL_IO_EXITING | PROC_ACTIVATE_SECONDARY) &&
        write_control(VMCS_PROC_BASED_CONTROLS2, MSR_IA32_VMX_PROCBASED_CTLS2,
                      PROC2_ENABLE_EPT | PROC2_ENABLE_VPID | PROC2_UNRESTRICTED_GUEST) &&
        write_control(VMCS_EXIT_CONTROLS, MSR_IA32_VMX_EXIT_CTLS,
                      EXIT_HOST_ADDRESS_SPACE_SIZE | EXIT_SAVE_IA32_EFER | EXIT_LOAD_IA32_EFER) &&
        write_control(VMCS_ENTRY_CONTROLS, MSR_IA32_VMX_ENTRY_CTLS, ENTRY_LOAD_IA32_EFER);
    if (!ok)
        return false;
    vmcs_write(VMCS_EXCEPTION_BITMAP, 0);
    vmcs_write(VMCS_CR3_TARGET_COUNT, 0);
    vmcs_write(VMCS_EXIT_MSR_STORE_COUNT, 0);
    vmcs_write(VMCS_EXIT_MSR_LOAD_COUNT, 0);
    vmcs_write(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
    vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO, 0);
    vmcs_write(VMCS_EPT_POINTER, eptp);
    vmcs_write(VMCS_VPID, vpid);
    vmcs_write(VMCS_LINK_POINTER, ~0ull);
    /* The guest sees CR4.VMXE clear although VMX operation requires it set. */
    vmcs_write(VMCS_CR0_GUEST_HOST_MASK, 0);
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
    vmcs_write(VMCS_HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_entry);
}

#define AR_CODE_REAL     0x9b /* present, accessed execute/read code */
#define AR_DATA_REAL     0x93 /* present, accessed read/write data */
#define AR_LDTR_UNUSABLE 0x10000
#define AR_TR_BUSY_16    0x8b /* present, busy TSS (16/32-bit) */

static void write_real_mode_segment(enum vmcs_field selector, uint32_t access)
{
    /* Selector, limit, access and base fields of a segment are spaced alike
     * in every group (SDM Vol. 3D B.1-B.4), indexed by the selector field. */
    unsigned index = (selector - VMCS_GUEST_ES_SELECTOR) / 2;

    vmcs_write(selector, 0);
    vmcs_write((enum vmcs_field)(VMCS_GUEST_ES_LIMIT + 2 * index), 0xffff);
    vmcs_write((enum vmcs_field)(VMCS_GUEST_ES_ACCESS + 2 * index), access);
    vmcs_write((enum vmcs_field)(VMCS_GUEST_ES_BASE + 2 * index), 0);
}

void vmcs_setup_real_mode_guest(uint64_t rip, uint64_t rsp)
{
    write_real_mode_segment(VMCS_GUEST_ES_SELECTOR, AR_DATA_REAL);
    write_real_mode_segment(VMCS_GUEST_CS_SELECTOR, AR_CODE_REAL);
    write_real_mode_segment(VMCS_GUEST_SS_SELECTOR, AR_DATA_REAL);
    write_real_mode_segment(VMCS_GUEST_DS_SELECTOR, AR_DATA_REAL);
    write_real_mode_segment(VMCS_GUEST_FS_SELECTOR, AR_DATA_REAL);
    write_real_mode_segment(VMCS_GUEST_GS_SELECTOR, AR_DATA_REAL);
    write_real_mode_segment(VMCS_GUEST_LDTR_SELECTOR, AR_LDTR_UNUSABLE);
    write_real_mode_segment(VMCS_GUEST_TR_SELECTOR, AR_TR_BUSY_16);
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
