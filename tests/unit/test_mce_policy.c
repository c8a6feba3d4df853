/* The machine-check decision, fed register values as machines report them
 * (MCi_STATUS and MCG_STATUS as Linux's machine-check log prints them):
 * no emulator here raises a machine check. */
#include <criterion/criterion.h>

#include "arch/x86_64/mce_policy.h"

#define MCG_CAP_10_BANKS 0x100000c0aull /* 10 banks, CMCI, software recovery */

static struct mce_record one_bank(unsigned bank, uint64_t status, uint64_t mcg_status)
{
    struct mce_record r = {.mcg_cap = MCG_CAP_10_BANKS, .mcg_status = mcg_status, .bank_count = 10};

    r.banks[bank].status = status;
    r.banks[bank].addr = 0x1234567000ull;
    return r;
}

/* An internal timer error: PCC set, RIPV set. */
Test(mce_policy, processor_context_corrupt_halts_the_machine)
{
    struct mce_record r = one_bank(4, 0xbe00000000800400ull, 0x5);

    cr_assert_eq(mce_decide(&r, MCE_IN_GUEST), MCE_HALT_MACHINE);
    cr_assert_eq(mce_decide(&r, MCE_IN_HYPERVISOR), MCE_HALT_MACHINE);
}

/* A data load from poisoned memory (UC, S, AR; PCC clear) with RIPV clear
 * and EIPV set: the interrupted code cannot go on, the processor can. */
Test(mce_policy, action_required_load_stops_only_the_guest)
{
    struct mce_record r = one_bank(1, 0xbd80000000100134ull, 0x6);

    cr_assert_eq(mce_decide(&r, MCE_IN_GUEST), MCE_STOP_PARTITION);
    cr_assert_eq(mce_decide(&r, MCE_IN_HYPERVISOR), MCE_HALT_MACHINE);
}

/* A patrol scrub found poison (UC, S, AR clear) while RIPV is set. */
Test(mce_policy, uncorrected_error_with_a_restartable_context)
{
    struct mce_record r = one_bank(7, 0xbd000000000000c0ull, 0x5);

    cr_assert_eq(mce_decide(&r, MCE_IN_GUEST), MCE_STOP_PARTITION);
    cr_assert_eq(mce_decide(&r, MCE_IN_HYPERVISOR), MCE_HALT_MACHINE);
}

/* A corrected DRAM error (UC clear), RIPV set: nothing to stop. */
Test(mce_policy, corrected_errors_resume)
{
    struct mce_record r = one_bank(7, 0x8c00004000010090ull, 0x5);

    cr_assert_eq(mce_decide(&r, MCE_IN_GUEST), MCE_RESUME);
    cr_assert_eq(mce_decide(&r, MCE_IN_HYPERVISOR), MCE_RESUME);
}

/* Bits of a bank count only when its VAL bit says the bank holds an
 * error, and only for the banks MCG_CAP has. */
Test(mce_policy, invalid_banks_and_banks_past_the_count_are_ignored)
{
    struct mce_record stale = one_bank(2, 0x3e00000000800400ull, 0x5); /* PCC, VAL clear */
    struct mce_record past = one_bank(9, 0xbe00000000800400ull, 0x5);

    past.bank_count = 9;
    cr_assert_eq(mce_decide(&stale, MCE_IN_HYPERVISOR), MCE_RESUME);
    cr_assert_eq(mce_decide(&past, MCE_IN_HYPERVISOR), MCE_RESUME);
}

/* A CPU without MCA registers tells nothing, not even RIPV: the context is
 * not restartable. */
Test(mce_policy, no_machine_check_architecture)
{
    struct mce_record r = {0};

    cr_assert_eq(mce_decide(&r, MCE_IN_GUEST), MCE_STOP_PARTITION);
    cr_assert_eq(mce_decide(&r, MCE_IN_HYPERVISOR), MCE_HALT_MACHINE);
}

/* PCC in a later bank wins over a corrected error in an earlier one. */
Test(mce_policy, the_worst_bank_decides)
{
    struct mce_record r = one_bank(0, 0x8c00004000010090ull, 0x5);

    r.banks[5].status = 0xbe00000000800400ull;
    cr_assert_eq(mce_decide(&r, MCE_IN_GUEST), MCE_HALT_MACHINE);
}

Test(mce_policy, action_texts)
{
    cr_assert_str_eq(mce_action_text(MCE_RESUME), "resume");
    cr_assert_str_eq(mce_action_text(MCE_STOP_PARTITION), "stop the partition");
    cr_assert_str_eq(mce_action_text(MCE_HALT_MACHINE), "halt the machine");
}
