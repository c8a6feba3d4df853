/* Everything a Bulkhead-aware guest built with guests/lib may use. */
#ifndef GUESTS_LIB_GUEST_H
#define GUESTS_LIB_GUEST_H

#include "guests/lib/console.h"
#include "arch/x86_64/cpu.h"
#include "guests/lib/exceptions.h"
#include "guests/lib/expect.h"
#include "guests/lib/paging.h"
#include "guests/lib/runtime.h"
#include "include/bulkhead/guest_abi.h"

#endif
