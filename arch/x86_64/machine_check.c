#include "arch/x86_64/machine_check.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/exits.h"
#include "arch/x86_64/mce_policy.h"
#include "arch/x86_64/nmi.h"
#include "arch/x86_64/vmx_ops.h"
#include "hv/arch.h"
#include "hv/log.h"
#include "hv/partition.h"

#define CPUID_1_EDX_MCA (1u << 14)

void machine_check_handle_root(void);

/* The banks MCG_CAP counts exist on every CPU with MCA (SDM Vol. 3B
 * 16.3.1): no read here can fault. Without MCA the record stays empty,
 * which the policy reads as "not restartable". */
static void read_record(struct mce_record *r)
{
    *r = (struct mce_record){0};
    if (!(cpu_cpuid(1, 0).edx & CPUID_1_EDX_MCA))
        return;
    r->mcg_cap = cpu_read_msr(MSR_IA32_MCG_CAP);
    r->mcg_status = cpu_read_msr(MSR_IA32_MCG_STATUS);
    unsigned count = (unsigned)(r->mcg_cap & MCG_CAP_COUNT);
    r->bank_count = count < MCE_MAX_BANKS ? count : MCE_MAX_BANKS;
    for (unsigned i = 0; i < r->bank_count; i++) {
        struct mce_bank *b = &r->banks[i];
        b->status = cpu_read_msr(MSR_IA32_MC0_STATUS + 4 * i);
        if ((b->status & MCI_STATUS_VAL) && (b->status & MCI_STATUS_ADDRV))
            b->addr = cpu_read_msr(MSR_IA32_MC0_STATUS + 4 * i + 1);
        if ((b->status & MCI_STATUS_VAL) && (b->status & MCI_STATUS_MISCV))
            b->misc = cpu_read_msr(MSR_IA32_MC0_STATUS + 4 * i + 2);
    }
}

static void log_record(const struct mce_record *r, const char *running, enum mce_action action)
{
    log_error("cpu%u: machine check while %s ran: MCG_CAP 0x%llx MCG_STATUS 0x%llx: %s",
              arch_cpu_index(), running, (unsigned long long)r->mcg_cap,
              (unsigned long long)r->mcg_status, mce_action_text(action));
    for (unsigned i = 0; i < r->bank_count; i++) {
        const struct mce_bank *b = &r->banks[i];
        if (b->status & MCI_STATUS_VAL)
            log_line("  bank %u: status 0x%016llx addr 0x%llx misc 0x%llx", i,
                     (unsigned long long)b->status, (unsigned long long)b->addr,
                     (unsigned long long)b->misc);
    }
}

/* The banks are logged: clear them, and MCIP, so that the next machine
 * check is taken rather than shutting the CPU down (SDM Vol. 3B 16.3.1.2). */
static void clear_record(const struct mce_record *r)
{
    for (unsigned i = 0; i < r->bank_count; i++) {
        if (r->banks[i].status & MCI_STATUS_VAL)
            cpu_write_msr(MSR_IA32_MC0_STATUS + 4 * i, 0);
    }
    if (r->mcg_cap || r->mcg_status)
        cpu_write_msr(MSR_IA32_MCG_STATUS, 0);
}

/* Reads, logs and clears; halts the machine when the policy says so. */
static enum mce_action take_machine_check(const char *running, enum mce_context context)
{
    struct mce_record record;

    read_record(&record);
    enum mce_action action = mce_decide(&record, context);
    log_record(&record, running, action);
    if (action == MCE_HALT_MACHINE) {
        log_error("machine check: the machine halts");
        nmi_halt_machine();
    }
    clear_record(&record);
    return action;
}

/* An entry that failed on a machine check never started the guest, so
 * there is nothing to resume: the partition stops at the least. */
int machine_check_exit(struct vcpu *vcpu)
{
    uint32_t reason = (uint32_t)vmcs_read(VMCS_EXIT_REASON);
    const char *running = vcpu->partition ? partition_name(vcpu->partition) : "the probe guest";
    enum mce_action action = take_machine_check(running, MCE_IN_GUEST);

    if (action == MCE_RESUME && !(reason & EXIT_REASON_ENTRY_FAILED))
        return 1;
    return exit_crash_guest(vcpu, reason, "machine check");
}

/* From isr.asm, on the machine check's own stack: IRETQ follows. */
void machine_check_handle_root(void)
{
    take_machine_check("the hypervisor", MCE_IN_HYPERVISOR);
}
