#include "arch/x86_64/mce_policy.h"

#include <stdbool.h>

static bool bank_has(const struct mce_bank *bank, uint64_t bits)
{
    return (bank->status & MCI_STATUS_VAL) && (bank->status & bits) == bits;
}

static bool any_bank_has(const struct mce_record *record, uint64_t bits)
{
    for (unsigned i = 0; i < record->bank_count && i < MCE_MAX_BANKS; i++) {
        if (bank_has(&record->banks[i], bits))
            return true;
    }
    return false;
}

/* PCC set in any bank means the processor state may be corrupt: nothing is
 * safe to run, so the machine stops (SDM Vol. 3B 16.10). Otherwise only the
 * interrupted context is lost, when RIPV is clear or an error is
 * uncorrected: after a VM exit that is the guest's, whose partition stops
 * (the exit saved the hypervisor's own state intact); in the hypervisor's
 * own code there is no smaller unit to give up. */
enum mce_action mce_decide(const struct mce_record *record, enum mce_context context)
{
    if (any_bank_has(record, MCI_STATUS_PCC))
        return MCE_HALT_MACHINE;
    bool restartable = record->mcg_status & MCG_STATUS_RIPV;
    if (restartable && !any_bank_has(record, MCI_STATUS_UC))
        return MCE_RESUME;
    return context == MCE_IN_GUEST ? MCE_STOP_PARTITION : MCE_HALT_MACHINE;
}

const char *mce_action_text(enum mce_action action)
{
    switch (action) {
    case MCE_RESUME:
        return "resume";
    case MCE_STOP_PARTITION:
        return "stop the partition";
    default:
        return "halt the machine";
    }
}
