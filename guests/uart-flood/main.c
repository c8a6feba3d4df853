/*
 * A full-virtualization guest that floods the emulated 16550 at COM1 with
 * port accesses of every size, as fast as it can and without end, after
 * one line that says its run started. Its time limit or dom0 stops it,
 * nearly always while one of its accesses waits for dom0's answer.
 */
#include "guests/lib/com1.h"
#include "arch/x86_64/cpu.h"
#include "guests/lib/runtime.h"
#include "include/bulkhead/guest_abi.h"

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    com1_print("uart-flood: run starts\n");
    for (uint32_t i = 0;; i++) {
        cpu_outb(COM1_SCRATCH, (uint8_t)i);
        (void)cpu_inb(COM1_LSR);
        cpu_outl(COM1_SCRATCH, i);
        (void)cpu_inl(COM1_SCRATCH);
    }
}
