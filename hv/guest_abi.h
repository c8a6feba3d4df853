/*
 * What a Bulkhead-aware guest can rely on when it starts. Guests include
 * this header unchanged (it needs only <stdint.h>).
 *
 * A partition whose image is an ELF64 file starts every vCPU in 64-bit long
 * mode, the boot vCPU at the ELF entry point, with:
 *   - CPL 0, CS = GUEST_SELECTOR_CODE (64-bit), DS = ES = SS = FS = GS =
 *     GUEST_SELECTOR_DATA, flat; the GDT sits at GUEST_GDT_ADDRESS;
 *   - paging on (CR0 = PE MP ET NE WP PG, CR4 = PAE OSFXSR OSXMMEXCPT,
 *     EFER = LME LMA NXE), CR3 = GUEST_PAGE_TABLES_ADDRESS, an identity map
 *     of the first GUEST_IDENTITY_MAP_SIZE bytes of guest-physical space in
 *     2 MiB pages, writable and executable (only RAM is backed: touching
 *     anything else stops the partition);
 *   - RFLAGS = 0x2 (interrupts off), no IDT (IDTR limit 0): set one up
 *     before enabling interrupts or expecting faults to be survivable;
 *   - RSP = GUEST_STACK_TOP, RDI = GUEST_BOOT_INFO_ADDRESS.
 * The partition's other vCPUs wait, like the APs of a PC, for INIT and
 * start-up IPIs from one of its vCPUs, then start in real mode at the
 * start-up page.
 *
 * Every vCPU has a local APIC, reached in x2APIC mode only (CPUID.1:ECX.21
 * is set; switch through IA32_APIC_BASE first): x2APIC ID = vCPU index,
 * IPIs to the partition's own vCPUs (fixed, INIT, start-up; physical
 * destinations and shorthands), self-IPIs, and the timer (one-shot,
 * periodic, TSC-deadline; one timer tick is one TSC tick times the divide
 * value). IPIs aimed at any other APIC ID are dropped. The xAPIC MMIO page
 * is not mapped: touching it stops the partition. HLT with interrupts on
 * sleeps until an interrupt is pending; with interrupts off it ends that
 * vCPU.
 * The hypervisor zeroes all of RAM, fills the boot-info page, the GDT and the
 * page tables in the reserved low pages (and sets up the console ring page of
 * a pv partition, struct guest_console_ring below), and loads the image's segments at
 * their physical addresses, which must lie in RAM at or above
 * GUEST_IMAGE_MIN_ADDRESS.
 *
 * A flat (non-ELF) image is loaded at GUEST_FLAT_LOAD_ADDRESS and started in
 * 16-bit real mode at CS:IP = 0:GUEST_FLAT_LOAD_ADDRESS with all segments 0,
 * like a legacy guest (unrestricted guest).
 *
 * I/O ports every partition has:
 *   GUEST_CONSOLE_PORT: each byte written is printed by the hypervisor on its
 *       console, a line at a time, prefixed with the partition's name
 *       (console = debugcon in the config; the same port Bochs and QEMU use
 *       for their debug console);
 *   GUEST_EXIT_PORT: a write stops the partition and records the value as
 *       its exit status (compatible with QEMU's isa-debug-exit).
 * Reads of ports nobody owns return all ones; writes are dropped.
 */
#ifndef HV_GUEST_ABI_H
#define HV_GUEST_ABI_H

#include <stdint.h>

#define GUEST_BOOT_INFO_MAGIC   0x3154534555474842ull /* "BHGUEST1" */
#define GUEST_BOOT_INFO_VERSION 1

#define GUEST_BOOT_INFO_ADDRESS    0x1000ull
#define GUEST_GDT_ADDRESS          0x2000ull
#define GUEST_PAGE_TABLES_ADDRESS  0x3000ull  /* PML4, then PDPT, then PD */
#define GUEST_CONSOLE_RING_ADDRESS 0x6000ull  /* pv partitions' console ring page */
#define GUEST_STACK_TOP            0x10000ull /* 36 KiB of stack below it */
#define GUEST_IMAGE_MIN_ADDRESS    0x100000ull
#define GUEST_IDENTITY_MAP_SIZE    (1ull << 30)
#define GUEST_FLAT_LOAD_ADDRESS    0x1000ull

#define GUEST_SELECTOR_CODE 0x08
#define GUEST_SELECTOR_DATA 0x10

#define GUEST_CONSOLE_PORT 0xe9
#define GUEST_EXIT_PORT    0xf4

#define GUEST_NAME_LEN   32
#define GUEST_SCRIPT_LEN 256

enum guest_mode {
    GUEST_MODE_FULL = 0, /* unmodified guest: sees no hypervisor */
    GUEST_MODE_PV = 1,   /* para-virtualized: may use hypercalls */
};

struct bulkhead_boot_info {
    uint64_t magic;   /* GUEST_BOOT_INFO_MAGIC */
    uint32_t version; /* GUEST_BOOT_INFO_VERSION */
    uint32_t partition_id;
    char partition_name[GUEST_NAME_LEN]; /* NUL-terminated */
    uint64_t memory_bytes;               /* RAM from guest-physical 0 */
    uint32_t cpu_count;                  /* vCPUs in this partition */
    uint32_t mode;                       /* enum guest_mode */
    uint32_t console_port;               /* 0 when the partition has no console */
    uint32_t exit_port;
    char script[GUEST_SCRIPT_LEN]; /* the config's script line, NUL-terminated */
    uint64_t console_ring;         /* struct guest_console_ring address, or 0 */
    uint32_t console_ring_port;    /* the event port that notifies the backend */
    uint32_t reserved;
};

/*
 * The console ring of a pv partition (not the privileged ones, not those
 * with console = none): a page of its own RAM at GUEST_CONSOLE_RING_ADDRESS
 * that the console backend in the privileged partition reads, like Xen's
 * console page. The guest writes bytes at data[producer % SIZE] and then
 * advances producer; the backend takes them and advances consumer. Both
 * indices run freely and wrap at 2^32. After publishing, the guest sends an
 * event on console_ring_port only when producer passed producer_event: the
 * backend sets it to consumer + 1 once it has emptied the ring, so a burst of
 * writes costs one event. `backend` is written by the hypervisor: 1 while a
 * backend maps the ring, 0 otherwise (then the guest prints through its
 * console port). The backend trusts nothing here: see docs/guests.md.
 */
#define GUEST_CONSOLE_RING_SIZE 2048 /* data bytes; a power of two */

struct guest_console_ring {
    uint32_t producer;
    uint32_t consumer;
    uint32_t producer_event;
    uint32_t backend;
    uint8_t reserved[48];
    char data[GUEST_CONSOLE_RING_SIZE];
};

_Static_assert(sizeof(struct guest_console_ring) <= 4096, "the console ring fits one page");

#endif
