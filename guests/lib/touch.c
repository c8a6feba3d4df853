#include "guests/lib/touch.h"

#include "guests/lib/console.h"
#include "guests/lib/paging.h"
#include "guests/lib/runtime.h"
#include "include/bulkhead/guest_abi.h"

/* Returns the address as a pointer the guest can use, mapping it first if
 * the identity map the guest started with does not cover it. */
static volatile uint32_t *reachable(const char *guest, uint64_t address)
{
    if (address >= GUEST_IDENTITY_MAP_SIZE && !map_identity_2m(address)) {
        printf("%s: cannot map 0x%llx\n", guest, (unsigned long long)address);
        guest_exit(GUEST_STATUS_FAIL);
    }
    return (volatile uint32_t *)(uintptr_t)address;
}

uint32_t touch_read(const char *guest, uint64_t address)
{
    volatile uint32_t *target = reachable(guest, address);

    printf("%s: reading 0x%llx\n", guest, (unsigned long long)address);
    return *target;
}

void touch_write(const char *guest, uint64_t address, uint32_t value)
{
    volatile uint32_t *target = reachable(guest, address);

    printf("%s: writing 0x%x to 0x%llx\n", guest, value, (unsigned long long)address);
    *target = value;
}
