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
 *
 * The privileged partition may own devices (the config's `devices` key):
 * the ports of an owned serial port or PCI I/O BAR are open to it (no
 * exit), an owned PCI function's memory BARs and the owned framebuffer are
 * mapped at their host-physical addresses (uncached, the framebuffer
 * write-combining), and the boot-info page lists them. They lie above the
 * identity map the hypervisor builds: the guest maps them itself.
 * Ports 0xcf8-0xcff always exit: a partition that owns PCI functions sees
 * their configuration space (writes to BARs and the expansion ROM are
 * dropped, bus mastering stays off unless the config says `dma` for the
 * function) and every other function as absent.
 */
#ifndef BULKHEAD_GUEST_ABI_H
#define BULKHEAD_GUEST_ABI_H

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

/* ---- devices the partition owns (the config's `devices` key) ------------ */
#define GUEST_MAX_DEVICES 8

enum guest_device_kind {
    GUEST_DEVICE_SERIAL = 1,      /* id: its first I/O port; its 8 ports are open */
    GUEST_DEVICE_FRAMEBUFFER = 2, /* id 0; see struct guest_framebuffer */
    GUEST_DEVICE_PCI = 3,         /* id: bus << 8 | device << 3 | function */
    GUEST_DEVICE_KEYBOARD = 4,    /* id 0x60: the PS/2 controller at 0x60/0x64, trapped */
    GUEST_DEVICE_ATA = 5,         /* id: its command block's first port (8 ports), and its
                                     control block GUEST_ATA_CONTROL_OFFSET above; both open */
};
#define GUEST_ATA_CONTROL_OFFSET 0x206u

struct guest_device {
    uint32_t kind; /* enum guest_device_kind */
    uint32_t id;
};

/* What an owned device decodes: ports open to the partition, or memory
 * mapped at its host-physical address (a PCI BAR, the framebuffer). */
#define GUEST_MAX_DEVICE_RANGES 16
#define GUEST_RANGE_PORTS       1u
#define GUEST_RANGE_MEMORY      2u

struct guest_device_range {
    uint64_t base;   /* first port, or guest-physical (= host-physical) address */
    uint64_t size;   /* ports or bytes */
    uint32_t device; /* index into devices[] */
    uint32_t kind;   /* GUEST_RANGE_PORTS or GUEST_RANGE_MEMORY */
    uint32_t bar;    /* PCI: the BAR number; otherwise 0 */
    uint32_t reserved;
};

/* The firmware's framebuffer, mapped at its host-physical address. */
#define GUEST_FB_RGBX 1u /* bytes R, G, B, reserved */
#define GUEST_FB_BGRX 2u /* bytes B, G, R, reserved */

struct guest_framebuffer {
    uint64_t address; /* 0 when the partition does not own it */
    uint64_t size;    /* bytes */
    uint32_t width, height;
    uint32_t pixels_per_row;
    uint32_t format; /* GUEST_FB_RGBX or GUEST_FB_BGRX */
};
/* ---- end of the owned-devices definitions ------------------------------- */

/* ---- disks the privileged partition serves (other partitions' `disk`) ---
 * A disk's sectors are either an image or a range of an ATA disk the
 * privileged partition owns. An image, as the firmware loaded it from
 * beside BOOTX64.EFI, is mapped into the privileged partition's memory,
 * writable, at `address` (from GUEST_DISK_WINDOW up, each on a 2 MiB
 * boundary): its sectors live there until the machine powers off. A range
 * (ata_port non-zero) is `sectors` sectors from `first_sector` of the
 * master disk on the ATA channel whose command block is at ata_port (a
 * GUEST_DEVICE_ATA among the partition's devices): they persist. */
#define GUEST_MAX_DISKS   8
#define GUEST_DISK_WINDOW 0x4000000000ull /* 256 GiB: beyond any partition's RAM */
#define GUEST_DISK_IDE    1u              /* an ATA disk behind a PIIX IDE controller */
#define GUEST_DISK_VIRTIO 2u              /* a virtio-blk PCI function */
#define GUEST_DISK_SECTOR 512u

struct guest_disk {
    uint32_t partition_id; /* the partition whose disk it is */
    uint32_t kind;         /* GUEST_DISK_IDE or GUEST_DISK_VIRTIO */
    uint64_t address; /* the image: guest-physical, in the privileged partition; 0 for a range */
    uint64_t sectors; /* of GUEST_DISK_SECTOR bytes */
    char file[GUEST_NAME_LEN * 2]; /* the image's; empty for a range */
    uint32_t ata_port;             /* 0: the image; else the ATA channel the range is on */
    uint32_t ata_reserved;
    uint64_t first_sector; /* the range's first sector on that disk */
};

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

    /* ---- owned devices: zero unless the config gives the partition some -- */
    uint32_t device_count;
    uint32_t devices_reserved;
    struct guest_device devices[GUEST_MAX_DEVICES];
    struct guest_framebuffer framebuffer;
    uint32_t range_count;
    uint32_t ranges_reserved;
    struct guest_device_range ranges[GUEST_MAX_DEVICE_RANGES];
    /* The IRQ of devices[i] (0: none), to bind with HC_DEVICE_IRQ_BIND.
     * Added at the end of version 1: older guests never look this far. */
    uint8_t device_irqs[GUEST_MAX_DEVICES];
    /* ---- end of owned devices ------------------------------------------ */

    /* Added at the end of version 1: the disks it serves (privileged only). */
    uint32_t disk_count;
    uint32_t disks_reserved;
    struct guest_disk disks[GUEST_MAX_DISKS];
    /* Added at the end of version 1: the TSC's ticks a second, as the
     * hypervisor calibrated it (0 if it could not). */
    uint64_t tsc_hz;
};

_Static_assert(sizeof(struct bulkhead_boot_info) <= 4096, "the boot info fits one page");

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
 *
 * Input goes the other way in the second half of the page: the backend
 * writes what the operator types for this partition (dom0's `console NAME`)
 * at input[input_producer % INPUT_SIZE] and advances input_producer; the
 * guest takes bytes and advances input_consumer. There is no input event:
 * a guest that waits for input looks again now and then.
 */
#define GUEST_CONSOLE_RING_SIZE  2048 /* data bytes; a power of two */
#define GUEST_CONSOLE_INPUT_SIZE 1024 /* input bytes; a power of two */

struct guest_console_ring {
    uint32_t producer;
    uint32_t consumer;
    uint32_t producer_event;
    uint32_t backend;
    uint8_t reserved[48];
    char data[GUEST_CONSOLE_RING_SIZE];
    uint32_t input_producer; /* written by the backend */
    uint32_t input_consumer; /* written by the guest */
    uint8_t input_reserved[56];
    char input[GUEST_CONSOLE_INPUT_SIZE];
};

_Static_assert(sizeof(struct guest_console_ring) <= 4096, "the console ring fits one page");

#endif
