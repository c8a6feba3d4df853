/*
 * Tries VMX instructions. VMX is hidden from partitions: each must raise #UD
 * (on bare metal too, since CR4.VMXE is clear) and the guest carries on.
 */
#include "guests/lib/guest.h"

#define VMCS_GUEST_RIP      0x681e
#define INVEPT_ALL_CONTEXTS 2

/* A VMXON region: one 4 KiB-aligned page. */
static uint8_t vmxon_region[4096] __attribute__((aligned(4096)));

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    const struct invept_descriptor all = {0};
    uint64_t region = (uint64_t)(uintptr_t)vmxon_region;

    printf("hostile-vmx: trying VMXON, VMREAD and INVEPT\n");
    EXPECT_FAULT(VECTOR_UD, vmxon(region));
    EXPECT_FAULT(VECTOR_UD, vmread(VMCS_GUEST_RIP));
    EXPECT_FAULT(VECTOR_UD, invept(INVEPT_ALL_CONTEXTS, &all));
    printf("hostile-vmx: done\n");
    return guest_exit_status();
}
