/*
 * The configuration file reader, shared by the UEFI stub, the core and the
 * host tools. The file sits beside BOOTX64.EFI (bulkhead.cfg) and reads like
 * an INI file in the spirit of Xen's xen.cfg:
 *
 *   # comment
 *   [hypervisor]
 *   serial      = 0x3f8        # I/O port of the 16550 console, or "none"
 *   framebuffer = yes          # mirror the log on the GOP framebuffer
 *   probe       = probe.bin    # tiny guest run on every CPU as a VMX self-test
 *   on_finish   = poweroff     # poweroff | halt, once every guest has stopped
 *   crash_test  = none         # none | page-fault | stack-overflow | nmi | exit-faults
 *                              # (diagnostic)
 *   on_fault    = stop         # stop | reboot, when the hypervisor itself faults
 *   survey      = no           # yes: describe the machine in files on the stick first
 *   delay_ap    = none         # none | CPU number started late on purpose (diagnostic)
 *   ioreq_poll  = 0            # microseconds both ends of an I/O request spin before sleeping
 *   timestamps  = no           # yes: each log line carries the seconds since the core started
 *
 *   [partition web]            # one section per partition, NAME unique
 *   cpus       = 1-2           # Bulkhead CPU numbers, cpu0 = the boot CPU
 *   memory     = 256M          # K, M or G suffix, 4 KiB multiple, 1M..64G
 *   image      = web.bin       # loaded beside BOOTX64.EFI
 *   kernel     = vmlinuz       # instead of image: a bzImage, PVH vmlinux or multiboot kernel
 *   initrd     = initrd.img    # with kernel: the initial RAM disk it gets
 *   cmdline    = "console=ttyS0 quiet"   # with kernel: its command line
 *   mode       = full          # full | pv
 *   privileged = no            # yes for at most one partition
 *   on_crash   = stop          # stop | restart
 *   on_reboot  = restart       # restart | stop: what a reset from the guest does
 *   console    = debugcon      # debugcon | none
 *   time_limit = 0             # seconds until the partition is stopped, 0 = never
 *   devices    = serial 0x2f8, framebuffer, keyboard, pci 00:02.0   # privileged only
 *   emulate    = uart 0x3f8, uart-mmio 0xfe000000  # full partitions: models dom0 serves
 *   disk       = ide:root.img  # full partitions: a disk dom0 serves from that image
 *                              # (ide: emulated IDE; virtio: a virtio-blk device)
 *
 * docs/config.md is the full reference.
 *
 * The reader never allocates and never trusts its input: every problem is
 * reported with the file name, the line number and one sentence.
 */
#ifndef LIB_CONFIG_H
#define LIB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_NAME_LEN           64
#define CONFIG_MESSAGE_LEN        160
#define CONFIG_PARTITION_NAME_LEN 32
#define CONFIG_MAX_PARTITIONS     8
#define CONFIG_MAX_CPUS           256
#define CONFIG_SCRIPT_LEN         256
#define CONFIG_CMDLINE_LEN        256 /* a config line's length bounds it */
#define CONFIG_MAX_DEVICES        8
#define CONFIG_SERIAL_PORT_COUNT  8     /* a 16550 decodes 8 consecutive ports */
#define CONFIG_ATA_COMMAND_PORTS  8     /* an ATA channel's command block */
#define CONFIG_ATA_CONTROL_OFFSET 0x206 /* its control block, from the command block's base */

enum config_on_finish {
    CONFIG_FINISH_POWEROFF = 0,
    CONFIG_FINISH_HALT,
};

/* A deliberate fault on the boot CPU once every CPU has reported, to check
 * on a given machine that the hypervisor's exception report reaches the
 * consoles (and, for stack-overflow, that the guard page catches it); or,
 * for nmi, real NMIs sent to the CPUs of running partitions; or faults the
 * hypervisor must survive while it handles guests' exits (hv/crash_test.h). */
enum config_crash_test {
    CONFIG_CRASH_TEST_NONE = 0,
    CONFIG_CRASH_TEST_PAGE_FAULT,
    CONFIG_CRASH_TEST_STACK_OVERFLOW,
    CONFIG_CRASH_TEST_NMI,
    /* Guests' pass-through MSR reads hit an MSR the CPU refuses, and a
     * CPUID of CRASH_TEST_CPUID_LEAF makes the exit handler fault. */
    CONFIG_CRASH_TEST_EXIT_FAULTS,
};

/* What follows a fault of the hypervisor itself, once its report is out. */
enum config_on_fault {
    CONFIG_FAULT_STOP = 0, /* every CPU stops */
    CONFIG_FAULT_REBOOT,   /* the machine resets; the next boot shows the report */
};

struct config_hypervisor {
    uint16_t serial_port; /* 0 when "none" */
    bool framebuffer;
    char probe_image[CONFIG_NAME_LEN]; /* empty when no probe guest is wanted */
    enum config_on_finish on_finish;
    enum config_crash_test crash_test;
    enum config_on_fault on_fault;
    bool survey;            /* the stub writes bulkhead-survey.txt and bulkhead.cfg.suggested */
    unsigned delay_ap;      /* a CPU that starts too late on purpose; 0: none */
    unsigned ioreq_poll_us; /* how long a waiting vCPU and the I/O server spin first */
    bool timestamps;        /* log lines carry the seconds since the core started */
};

enum config_mode {
    CONFIG_MODE_FULL = 0, /* an unmodified guest under full virtualization */
    CONFIG_MODE_PV,       /* a guest that knows it runs on Bulkhead */
};

enum config_on_crash {
    CONFIG_ON_CRASH_STOP = 0,
    CONFIG_ON_CRASH_RESTART,
};

enum config_console {
    CONFIG_CONSOLE_DEBUGCON = 0, /* the guest's port 0xe9 output goes to the log */
    CONFIG_CONSOLE_NONE,
    CONFIG_CONSOLE_VIRTIO, /* a virtio console (Linux's hvc0) dom0 serves; port 0xe9 dropped */
};

/* A device the privileged partition owns (the `devices` key). */
enum config_device_kind {
    CONFIG_DEVICE_SERIAL = 0,  /* a 16550 UART: its 8 I/O ports */
    CONFIG_DEVICE_FRAMEBUFFER, /* the firmware's (GOP) framebuffer */
    CONFIG_DEVICE_PCI,         /* a PCI function: the ranges of its BARs */
    CONFIG_DEVICE_KEYBOARD,    /* the PS/2 controller (i8042): ports 0x60, 0x64, IRQ 1 */
    CONFIG_DEVICE_ATA,         /* an ATA channel's master disk: command and control blocks */
};

struct config_device {
    enum config_device_kind kind;
    uint16_t port;               /* serial: the first of its ports; ata: its command block's */
    uint8_t bus, slot, function; /* pci */
    uint8_t irq; /* serial: its ISA IRQ, 0 when it has none; pci: the config's, 0 when
                    the function's interrupt line register decides */
    bool dma;    /* pci: its owner may turn on bus mastering (no IOMMU confines it) */
};

/* A device model the privileged partition serves for a full partition (the
 * `emulate` key): the range the partition's accesses are forwarded from. */
enum config_emulated_model {
    CONFIG_EMULATED_UART = 0,  /* a 16550 at 8 I/O ports */
    CONFIG_EMULATED_UART_MMIO, /* a memory-mapped 16550 in one 4 KiB page */
    CONFIG_EMULATED_PCI,       /* a PCI function's configuration space */
    CONFIG_EMULATED_IDE,    /* a disk's IDE controller (the `disk` key), never named in emulate */
    CONFIG_EMULATED_VIRTIO, /* a disk's virtio-blk function (the `disk` key), likewise */
    CONFIG_EMULATED_VIRTIO_CONSOLE, /* `console = virtio`'s function, likewise */
};

enum config_emulated_space {
    CONFIG_EMULATED_PORTS = 0,
    CONFIG_EMULATED_MMIO,
    CONFIG_EMULATED_PCI_FUNCTION,
};

struct config_emulated {
    enum config_emulated_model model;
    enum config_emulated_space space;
    uint64_t base;               /* ports: the first; mmio: the guest-physical address */
    uint64_t length;             /* ports, or bytes */
    uint8_t bus, slot, function; /* pci */
};

#define CONFIG_MAX_EMULATED 8

/* A disk the privileged partition serves to a full partition (`disk`). */
enum config_disk_kind {
    CONFIG_DISK_NONE = 0,
    CONFIG_DISK_IDE, /* an ATA disk behind a PIIX IDE controller: ports 0x1f0 and 0x3f6, IRQ 14 */
    CONFIG_DISK_VIRTIO, /* a virtio-blk PCI function (00:02.0, its BAR at 0xc0000000), MSI-X */
};

/* Its sectors are an image beside BOOTX64.EFI (file), or a range of the
 * ATA disk the privileged partition owns at ata_port (`ata PORT`). */
struct config_disk {
    enum config_disk_kind kind;
    char file[CONFIG_NAME_LEN]; /* the image; empty when the disk is on an ATA disk */
    uint16_t ata_port;          /* 0: the disk is the image */
    uint64_t first_sector;      /* on the ATA disk */
    uint64_t sectors;           /* on the ATA disk; an image's size says its own */
};

#define CONFIG_IRQ_MAX     23 /* the pins of the first IOAPIC */
#define CONFIG_IRQ_CASCADE 2  /* the legacy PICs' cascade: no device has it */

struct config_partition {
    char name[CONFIG_PARTITION_NAME_LEN];
    uint64_t cpus[CONFIG_MAX_CPUS / 64]; /* bit n set: the partition owns cpu n */
    unsigned cpu_count;
    uint64_t memory;                  /* bytes */
    char image[CONFIG_NAME_LEN];      /* the 'image' or the 'kernel' key's file */
    bool kernel;                      /* named by 'kernel': it must be a kernel format */
    char initrd[CONFIG_NAME_LEN];     /* empty: none */
    char cmdline[CONFIG_CMDLINE_LEN]; /* the kernel's command line; empty: none */
    enum config_mode mode;
    bool privileged;
    enum config_on_crash on_crash;
    bool stop_on_reboot; /* a reset from the guest ends it instead of restarting it */
    enum config_console console;
    unsigned time_limit_seconds;    /* 0: no limit */
    char script[CONFIG_SCRIPT_LEN]; /* commands run at start; empty: none */
    struct config_device devices[CONFIG_MAX_DEVICES];
    unsigned device_count;
    struct config_emulated emulated[CONFIG_MAX_EMULATED];
    unsigned emulated_count;
    struct config_disk disk;
    /* Where things were written, for errors found later (config_check_machine). */
    unsigned line, cpus_line, memory_line, image_line, devices_line, emulate_line;
    unsigned initrd_line, cmdline_line, disk_line, console_line;
};

struct config {
    char file_name[CONFIG_NAME_LEN]; /* for errors found after parsing */
    struct config_hypervisor hypervisor;
    unsigned partition_count;
    struct config_partition partitions[CONFIG_MAX_PARTITIONS];
};

struct config_error {
    char file[CONFIG_NAME_LEN];
    unsigned line; /* 1-based; 0 when the problem is not tied to a line */
    char message[CONFIG_MESSAGE_LEN];
};

/* Defaults used for keys the file does not set. */
void config_set_defaults(struct config *config);

/*
 * Parses len bytes of text (not NUL-terminated). Returns 0 and fills config,
 * or -1 and fills error with the first problem found. file_name is only used
 * in the error.
 */
int config_parse(const char *text, size_t len, const char *file_name, struct config *config,
                 struct config_error *error);

/*
 * The checks that need the machine, run once the CPUs and the memory are
 * known: every partition's CPUs must exist (cpu_count counts the boot CPU,
 * so it is at least 1) and the partitions' memory must fit in usable_bytes
 * together. Returns 0, or -1 and fills error with the first problem, at the
 * line of the key that asks too much.
 */
int config_check_machine(const struct config *config, unsigned cpu_count, uint64_t usable_bytes,
                         struct config_error *error);

/* What the machine has of the devices a config can name, for
 * config_check_devices(). pci_present is called for each owned function,
 * pci_class for each one present: its class code register (offset 0x08,
 * bits 31:8: base class, subclass, programming interface), and
 * pci_interrupt_line for each one the config gives no IRQ: the interrupt
 * line register (offset 0x3c) as the firmware left it, or
 * CONFIG_PCI_NO_LINE when the function has no interrupt pin. */
struct config_machine_devices {
    bool has_framebuffer;
    bool (*pci_present)(uint8_t bus, uint8_t slot, uint8_t function);
    uint8_t (*pci_interrupt_line)(uint8_t bus, uint8_t slot, uint8_t function);
    uint32_t (*pci_class)(uint8_t bus, uint8_t slot, uint8_t function);
};

#define CONFIG_PCI_NO_LINE 0xff /* what PC firmware writes for "no IRQ" */

/* The IRQ a device interrupts on: the config's, else, for a PCI function,
 * the one its interrupt line register names (interrupt_line, ignored for
 * other kinds); 0 for none, and for a line value that is no usable IRQ
 * (config_check_devices() refuses those). */
uint8_t config_device_irq(const struct config_device *device, uint8_t interrupt_line);

/* PCI INTx lines are level-triggered and active low; ISA lines (serial)
 * edge-triggered and active high. */
bool config_device_irq_is_level(const struct config_device *device);

/*
 * The device checks that need the machine, run by the core once PCI
 * configuration space is readable: the framebuffer and every PCI function a
 * partition owns must exist, no such function may be a bridge (class 0x06:
 * host, ISA/LPC, PCI-PCI and others), an interrupt line register the config
 * relies on must name a usable IRQ, and no two owned devices may end up on
 * one IRQ. Returns 0, or -1 and fills error (at the line of the `devices`
 * key).
 */
int config_check_devices(const struct config *config, const struct config_machine_devices *machine,
                         struct config_error *error);

/* Which of the ports every partition needs the hypervisor to keep (the
 * guest console and exit ports, PCI configuration space) [first, last]
 * overlaps, as words for a message; NULL when none. */
const char *config_kept_ports_overlap(unsigned first, unsigned last);

/* "serial 0x2f8", "framebuffer", "pci 00:02.0" or "pci 00:02.0 dma" into buf
 * (NUL-terminated). */
#define CONFIG_DEVICE_NAME_LEN 24 /* room for config_device_name's longest */
void config_device_name(const struct config_device *device, char *buf, size_t size);

/* "uart 0x3f8", "uart-mmio 0xfe000000", "pci 00:05.0" or "ide 0x1f0" into buf. */
#define CONFIG_EMULATED_NAME_LEN 32
void config_emulated_name(const struct config_emulated *emulated, char *buf, size_t size);

bool config_partition_has_cpu(const struct config_partition *partition, unsigned cpu);

/* Why a file of `bytes` cannot be a disk's image (it holds whole 512-byte
 * sectors, at least one), or NULL. */
#define CONFIG_DISK_SECTOR_SIZE 512u
const char *config_disk_image_problem(uint64_t bytes);

/* "file:line: message" into buf (always NUL-terminated). */
void config_format_error(const struct config_error *error, char *buf, size_t size);

/*
 * Names of every image file the config refers to, for the stub to load: the
 * probe first, then each partition's image, initrd and disk, each name once.
 */
size_t config_image_count(const struct config *config);
const char *config_image_name(const struct config *config, size_t index);

#endif
