/*
 * What to do after a machine check (SDM Vol. 3B 16.3 "Architectural MSRs",
 * 16.10 "Guidelines for writing machine-check software"): a pure decision
 * over the MCA registers as read at the event, so that host unit tests can
 * feed it register values recorded on real machines.
 */
#ifndef ARCH_X86_64_MCE_POLICY_H
#define ARCH_X86_64_MCE_POLICY_H

#include <stdint.h>

#define MSR_IA32_MCG_CAP    0x179
#define MSR_IA32_MCG_STATUS 0x17a
#define MSR_IA32_MC0_STATUS 0x401 /* bank i: STATUS 0x401 + 4i, ADDR +1, MISC +2 */

#define MCG_CAP_COUNT    0xffull
#define MCG_STATUS_RIPV  (1ull << 0) /* restarting at the pushed RIP is possible */
#define MCG_STATUS_EIPV  (1ull << 1) /* the error is tied to the pushed RIP */
#define MCG_STATUS_MCIP  (1ull << 2) /* a machine check is in progress */
#define MCI_STATUS_VAL   (1ull << 63)
#define MCI_STATUS_OVER  (1ull << 62)
#define MCI_STATUS_UC    (1ull << 61)
#define MCI_STATUS_EN    (1ull << 60)
#define MCI_STATUS_MISCV (1ull << 59)
#define MCI_STATUS_ADDRV (1ull << 58)
#define MCI_STATUS_PCC   (1ull << 57)

#define MCE_MAX_BANKS 32

struct mce_bank {
    uint64_t status, addr, misc; /* addr and misc only where status says they are valid */
};

/* The machine-check registers of the CPU that took the event. */
struct mce_record {
    uint64_t mcg_cap, mcg_status;
    unsigned bank_count; /* banks read: MCG_CAP's count, at most MCE_MAX_BANKS */
    struct mce_bank banks[MCE_MAX_BANKS];
};

/* Whose code the CPU was running when the event came. */
enum mce_context {
    MCE_IN_GUEST,      /* a VM exit (#MC in the guest, or during VM entry) */
    MCE_IN_HYPERVISOR, /* the hypervisor's own #MC handler */
};

enum mce_action {
    MCE_RESUME,         /* corrected errors only: carry on */
    MCE_STOP_PARTITION, /* an uncorrected error the partition's run may have touched */
    MCE_HALT_MACHINE,   /* the processor context is corrupt, or it cannot be restarted */
};

enum mce_action mce_decide(const struct mce_record *record, enum mce_context context);

/* "resume", "stop the partition", "halt the machine". */
const char *mce_action_text(enum mce_action action);

#endif
