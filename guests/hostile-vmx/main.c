/*
 * Tries VMX instructions. VMX is hidden from partitions: each must raise #UD
 * (on bare metal too, since CR4.VMXE is clear) and the guest carries on.
 */
#include "arch/x86_64/vmx_ops.h"
#include "guests/lib/guest.h"

/* A VMXON region: one 4 KiB-aligned page. */
static uint8_t vmxon_region[4096] __attribute__((aligned(4096)));

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    uint64_t region = (uint64_t)(uintptr_t)vmxon_region, value;

    printf("hostile-vmx: trying VMXON, VMREAD and INVEPT\n");
    EXPECT_FAULT(VECTOR_UD, vmx_on(region));
    EXPECT_FAULT(VECTOR_UD, vmx_read_safe(VMCS_GUEST_RIP, &value));
    EXPECT_FAULT(VECTOR_UD, vmx_invept(INVEPT_ALL_CONTEXTS, 0));
    printf("hostile-vmx: done\n");
    return guest_exit_status();
}
