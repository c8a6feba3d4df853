/*
 * The guest runtime's start and end. entry.asm calls runtime_init(), then the
 * guest's own guest_main(), then guest_exit() with what guest_main returned.
 */
#ifndef GUESTS_LIB_RUNTIME_H
#define GUESTS_LIB_RUNTIME_H

#include "include/bulkhead/guest_abi.h"

/* Exit statuses shared by the guests shipped with Bulkhead. */
enum guest_status {
    GUEST_STATUS_PASS = 0,             /* everything behaved as expected */
    GUEST_STATUS_FAIL = 1,             /* at least one EXPECT_* failed */
    GUEST_STATUS_UNEXPECTED_FAULT = 2, /* an exception no test asked for */
    GUEST_STATUS_NOT_STOPPED = 3,      /* survived what should have stopped it */
    GUEST_STATUS_BAD_BOOT_INFO = 4,    /* the boot-info page is not one we know */
};

/* Each guest defines this; its return value becomes the exit status. */
int guest_main(const struct bulkhead_boot_info *info);

/* Checks the boot info, opens the console and installs the exception handlers. */
void runtime_init(const struct bulkhead_boot_info *info);

/* Writes status to the exit port, which stops the partition. */
_Noreturn void guest_exit(int status);

#endif
