/*
 * The hypercall interface of Bulkhead for para-virtualized guests (partitions
 * with mode = pv). Guests include this header unchanged; it needs only
 * <stdint.h>. docs/hypercalls.md describes every call in prose.
 *
 * Calling convention: VMCALL from guest ring 0 with
 *   RAX = call number (enum hypercall_number),
 *   RDI, RSI, RDX, R10, R8, R9 = arguments 1-6,
 * result in RAX: 0 or a positive value on success, a negative
 * enum hypercall_error on failure. Every other register is preserved.
 *
 * Pointers are guest-physical addresses in the caller's RAM (Bulkhead-aware
 * guests run on an identity map, so their pointers are guest-physical). A
 * buffer must lie wholly inside the caller's RAM, or the call fails with
 * HC_EFAULT; the hypervisor copies what it reads before it checks it.
 *
 * In a full partition VMCALL raises #UD, as on a CPU without a hypervisor,
 * and the CPUID leaves below read as zeros. VMCALL from ring 3 raises #UD as
 * well: only the guest kernel talks to the hypervisor.
 *
 * Discovery: CPUID 0x40000000 returns EAX = the highest hypervisor leaf and
 * EBX, ECX, EDX = "BulkheadHV\0\0"; CPUID 0x40000001 returns EAX = the ABI
 * version (major << 16 | minor) and EBX = HC_FEATURE_* bits.
 */
#ifndef BULKHEAD_HYPERCALL_H
#define BULKHEAD_HYPERCALL_H

#include <stdint.h>

#define HC_CPUID_SIGNATURE 0x40000000u
#define HC_CPUID_VERSION   0x40000001u
#define HC_ABI_VERSION                                                                             \
    ((2u << 16) | 1u) /* 2.1: 2.0 (I/O requests found through a pending bitmap, completed by       \
                         sequence number; HC_BLOCK tells a server of them) plus calls 55 and 60 */

#define HC_FEATURE_EVENTS  (1u << 0)
#define HC_FEATURE_GRANTS  (1u << 1)
#define HC_FEATURE_TIMER   (1u << 2)
#define HC_FEATURE_CONTROL (1u << 3) /* the privileged calls (dom0 only) */

enum hypercall_number {
    HC_NULL = 0,          /* () -> 0: does nothing; for benchmarks */
    HC_VERSION = 1,       /* () -> HC_ABI_VERSION */
    HC_CONSOLE_WRITE = 2, /* (buffer, length <= HC_CONSOLE_MAX) -> bytes written */
    HC_YIELD = 3,         /* () -> 0: gives up the CPU for a moment */
    HC_BLOCK = 4,         /* (tsc_deadline or 0) -> 0: sleeps until an event is pending
                             for this vCPU or the deadline passes; HC_BLOCK_REQUESTS to
                             an I/O server whose requests wait (at once if they do) */
    HC_SELF_INFO = 5,     /* (struct hc_self_info *) -> 0 */

    HC_EVENT_BIND = 10,    /* (vector, peer partition id or 0) -> port */
    HC_EVENT_CONNECT = 11, /* (peer partition id, peer port, vector or 0) -> local port: a
                              two-way channel between the peer's port and the new one;
                              with vector 0 the new end only sends */
    HC_EVENT_SEND = 12,    /* (port) -> 0: raises the other end (or, unconnected, the
                              port itself) */
    HC_EVENT_UNBIND = 13,  /* (port) -> 0 */
    HC_EVENT_MASK = 14,    /* (port) -> 0 */
    HC_EVENT_UNMASK = 15,  /* (port) -> 0: delivers an event that came while masked */

    HC_GRANT_CREATE = 20, /* (grantee id, first page address, pages, HC_GRANT_* flags)
                             -> grant reference */
    HC_GRANT_MAP = 21,    /* (granter id, grant reference, guest-physical address) -> 0 */
    HC_GRANT_UNMAP = 22,  /* (granter id, grant reference) -> 0 */
    HC_GRANT_REVOKE = 23, /* (grant reference) -> 0: the grantee loses the pages on
                             every one of its CPUs before this returns */

    HC_TIMER_SET = 30, /* (tsc_deadline or 0 to cancel, port) -> 0: one-shot */

    HC_PARTITION_LIST = 40,    /* (struct hc_partition_entry *, count) -> partitions
                                  written (privileged) */
    HC_PARTITION_STOP = 41,    /* (partition id) -> 0 (privileged) */
    HC_PARTITION_START = 42,   /* (partition id) -> 0 (privileged) */
    HC_PARTITION_RESTART = 43, /* (partition id) -> 0 (privileged) */
    HC_PARTITION_DESTROY = 44, /* (partition id) -> 0 (privileged) */
    HC_LOG_READ = 45,          /* (buffer, length, cursor, struct hc_log_span * or 0) -> bytes
                                  written (privileged): the hypervisor log from stream
                                  position `cursor`, at most HC_LOG_READ_MAX bytes */
    HC_MACHINE_CONTROL = 46,   /* (enum hc_machine_action) -> 0 (privileged): stops every
                                  partition, then powers the machine off or resets it */

    HC_CONSOLE_TAKE = 49,     /* (serial port) -> the log position to print from (privileged):
                                 the owner of the console's serial port prints the
                                 hypervisor log on it from now on */
    HC_IRQ_LINE = 47,         /* (partition id, line 0-23, level 0 or 1) -> 0 (privileged): a
                                 device model's interrupt line into a full partition's
                                 8259 pair (lines 0-15) and I/O APIC (HC_IRQ_LINE_* below) */
    HC_IOREQ_CLAIM_MMIO = 48, /* (guest-physical base, length, flags) -> 0 (privileged):
                                 loads and stores of full partitions there become
                                 requests */

    HC_IOREQ_SERVER = 50,   /* (page-aligned struct hc_ioreq_page address) -> 0
                               (privileged): the calling vCPU serves I/O requests of full
                               partitions */
    HC_IOREQ_CLAIM = 51,    /* (first port, count, flags) -> 0 (privileged): accesses of
                               full partitions to these ports become requests */
    HC_IOREQ_COMPLETE = 52, /* (slot, value read, sequence) -> 0 (privileged): the request
                               in `slot` with that sequence number is done; its vCPU
                               resumes */

    HC_CONSOLE_SERVER = 53,     /* (window address, event port) -> bit mask of the partition ids
                                   whose console rings now appear in the window (privileged):
                                   the caller is the console backend of pv partitions */
    HC_CONSOLE_RELEASE = 54,    /* (partition id) -> 0 (privileged): the backend is done with
                                   the console ring of a destroyed partition */
    HC_PARTITION_SHUTDOWN = 55, /* (partition id) -> 0 (privileged): presses the ACPI power
                                   button of a running full partition, so that its kernel
                                   shuts down by itself; 1 when pressed but the guest has
                                   not enabled the button's event (it may not notice) */

    HC_DEVICE_IRQ_BIND = 56,   /* (IRQ, vector 32-255 or 0) -> 0 (privileged): the IRQ of a
                                  device the caller owns arrives as that vector on its vCPU 0;
                                  vector 0 masks it again */
    HC_IRQ_MSI = 57,           /* (partition id, MSI address, MSI data) -> 0 (privileged): a
                                  device model's message-signalled interrupt into a full
                                  partition's vCPUs; HC_EINVAL for a malformed message
                                  (HC_MSI_* below) */
    HC_DEVICE_IRQ_UNMASK = 58, /* (IRQ) -> 0 (privileged): the owner has quieted the device of
                                  a level-triggered (PCI) IRQ; its line, masked at each
                                  interrupt, may interrupt again */

    HC_IOREQ_COPY = 59,        /* (partition id, guest-physical address, buffer, length, flags)
                                  -> 0 (privileged): the I/O server copies length <=
                                  HC_IOREQ_COPY_MAX bytes from the RAM of a running full
                                  partition it serves into its buffer, or with
                                  HC_IOREQ_COPY_TO_PARTITION from its buffer into it */
    HC_CONSOLE_WRITE_FOR = 60, /* (partition id, buffer, length <= HC_CONSOLE_MAX) -> 0
                                  (privileged): bytes a partition the caller serves wrote
                                  to its console (an emulated UART, its console ring),
                                  printed as that partition's own lines */
    HC_CALL_COUNT = 61,
};

/* HC_IRQ_LINE's lines are wired as on a PC: line n < 16 is ISA IRQ n, an
 * input of the 8259 pair and of I/O APIC pin n, except that IRQ 0 reaches
 * pin 2 (the MADT's override) and IRQ 2 (the 8259's cascade) no pin;
 * lines 16-23 are I/O APIC pins 16-23 alone. */
#define HC_IRQ_LINES 24

/* HC_IRQ_MSI's message, as a PCI function writes it (Intel SDM Vol. 3A
 * 11.11): address HC_MSI_ADDRESS(destination APIC ID, logical) with
 * nothing above bit 31; data HC_MSI_DATA(vector, mode), edge-triggered,
 * no other bit. Modes: fixed and lowest priority (vector 16-255), NMI and
 * INIT. */
#define HC_MSI_ADDRESS_BASE 0xfee00000u
#define HC_MSI_ADDRESS(destination, logical)                                                       \
    (HC_MSI_ADDRESS_BASE | ((uint32_t)(destination)&0xff) << 12 | ((logical) ? 1u << 2 : 0))
#define HC_MSI_DATA(vector, mode)   (((uint32_t)(mode)&7) << 8 | ((uint32_t)(vector)&0xff))
#define HC_MSI_MODE_FIXED           0
#define HC_MSI_MODE_LOWEST_PRIORITY 1
#define HC_MSI_MODE_NMI             4
#define HC_MSI_MODE_INIT            5

enum hypercall_error {
    HC_EINVAL = -1, /* a malformed argument: bad number, flags, alignment */
    HC_EFAULT = -2, /* a buffer that does not lie wholly in the caller's RAM */
    HC_EPERM = -3,  /* not allowed: a privileged call, or someone else's object */
    HC_ENOENT = -4, /* no such partition, port or grant */
    HC_ENOSPC = -5, /* a per-partition limit is reached */
    HC_EBUSY = -6,  /* in use: a mapped grant, a partition in the wrong state */
    HC_ENOSYS = -7, /* no such call */
};

#define HC_CONSOLE_MAX     1024
#define HC_EVENT_PORTS     64   /* ports per partition */
#define HC_GRANTS          64   /* grants a partition may have created */
#define HC_GRANT_MAX_PAGES 1024 /* pages in one grant */
/* A grantee maps grants in [RAM end, RAM end + HC_GRANT_WINDOW_SIZE): the RAM
 * end is its size, or its size + 1 GiB when RAM continues above 4 GiB. */
#define HC_GRANT_WINDOW_SIZE (1ull << 30)

#define HC_GRANT_READ_ONLY  0x0
#define HC_GRANT_READ_WRITE 0x1

#define HC_NAME_LEN 32

/*
 * The hypervisor log. Every byte it has logged since boot has a stream
 * position (0, 1, 2, ...); the hypervisor keeps the newest ones in a ring.
 * HC_LOG_READ copies from `cursor` on; when `cursor` is older than the oldest
 * byte still held, the copy starts at the oldest instead, and the span says
 * so: span.start > cursor means span.start - cursor bytes were overwritten
 * before the reader got them. The next read continues at span.start + the
 * bytes returned; span.end is where the log ended during the call. A cursor
 * past span.end is HC_EINVAL.
 */
#define HC_LOG_READ_MAX 1024

struct hc_log_span {
    uint64_t start; /* stream position of the first byte copied */
    uint64_t end;   /* stream position just past the newest byte logged */
};

enum hc_machine_action {
    HC_MACHINE_POWEROFF = 1,
    HC_MACHINE_REBOOT = 2,
};

/*
 * I/O requests (ABI 2). When a vCPU of a full partition touches a range the
 * server claimed, the hypervisor pauses it, copies the request into the
 * slot of its physical CPU in the server's request page, sets that slot's
 * bit in `pending` and, if the server sleeps in HC_BLOCK, wakes it:
 * HC_BLOCK then returns HC_BLOCK_REQUESTS. No event, no interrupt. The
 * server takes the words of `pending` with an atomic exchange, serves the
 * slots whose bits were set and answers each with HC_IOREQ_COMPLETE(slot,
 * value, sequence); an answer whose sequence is not the slot's is refused.
 */
#define HC_IOREQ_SLOTS  256 /* one per physical CPU the hypervisor can run */
#define HC_IOREQ_CLAIMS 8   /* port ranges, and MMIO ranges, a server may claim */

enum hc_ioreq_state {
    HC_IOREQ_FREE = 0,
    HC_IOREQ_PENDING = 1,
};

enum hc_ioreq_kind {
    HC_IOREQ_PORT = 0,       /* an IN or OUT: `port` */
    HC_IOREQ_MMIO = 1,       /* a load or store: `address` */
    HC_IOREQ_PCI_CONFIG = 2, /* a configuration cycle of a PCI function the partition's config
                                names: `address` = bus << 16 | device << 11 | function << 8 |
                                register offset */
};

struct hc_ioreq {
    uint32_t state; /* enum hc_ioreq_state */
    uint32_t partition_id;
    uint32_t vcpu;
    uint16_t port;
    uint8_t size;  /* 1, 2 or 4 bytes */
    uint8_t write; /* 1: OUT or store (data holds the value), 0: IN or load */
    uint32_t data;
    uint32_t kind; /* enum hc_ioreq_kind */
    uint64_t sequence;
    uint64_t address; /* HC_IOREQ_MMIO: the guest-physical address */
    /* Appended in ABI 1.0 (the fields above keep their offsets): for one
     * element of a REP INS or REP OUTS, the elements the instruction still
     * has to move including this one (its RCX, at most 0xffffffff); 0 for
     * every other access. */
    uint32_t rep_count;
    /* ABI 2.0: a block of `count` elements of a REP INS or REP OUTS whose
     * bytes lie one after the other at the guest-physical `address` (never
     * across a page): the server moves them with HC_IOREQ_COPY and answers
     * once. 0: one access, `data` holds the value. */
    uint32_t count;
};

#define HC_IOREQ_COPY_MAX          4096
#define HC_IOREQ_COPY_TO_PARTITION (1u << 0)

/* Writes to a range claimed with HC_IOREQ_POSTED_WRITES need no answer:
 * the vCPU goes on at once and the write is appended to the ring `posted`
 * (entry n % HC_IOREQ_POSTED), in order. The hypervisor advances
 * posted_head, the server posted_tail once it has taken an entry; a full
 * ring makes the write an ordinary request. Every posted write came before
 * any request whose bit the server takes after it: take the bits, then
 * the ring, then serve the slots. */
#define HC_IOREQ_POSTED        64
#define HC_IOREQ_POSTED_WRITES (1u << 0) /* claim flag */

struct hc_ioreq_page {
    uint64_t pending[HC_IOREQ_SLOTS / 64]; /* bit n % 64 of word n / 64: slot n waits */
    uint64_t posted_head;                  /* written by the hypervisor */
    uint64_t posted_tail;                  /* written by the server */
    uint64_t reserved[2];
    struct hc_ioreq slots[HC_IOREQ_SLOTS];
    struct hc_ioreq posted[HC_IOREQ_POSTED];
};

#define HC_BLOCK_REQUESTS 1 /* HC_BLOCK's answer to a server that has I/O requests waiting */

struct hc_self_info {
    uint32_t partition_id;
    uint32_t vcpu_index;
    uint32_t cpu_count;
    uint32_t mode; /* enum guest_mode of guest_abi.h */
    uint64_t memory_bytes;
    char name[HC_NAME_LEN];
    uint32_t restarts; /* how often the hypervisor restarted it after a crash */
    uint32_t reserved;
};

enum hc_partition_state {
    HC_PARTITION_RUNNING = 0,
    HC_PARTITION_STOPPED = 1,
    HC_PARTITION_CRASHED = 2,
    HC_PARTITION_DESTROYED = 3,
};

/* Exit counters reported per partition, summed over its vCPUs. */
enum hc_exit_counter {
    HC_EXITS_TOTAL = 0,
    HC_EXITS_CPUID,
    HC_EXITS_IO,
    HC_EXITS_MSR,
    HC_EXITS_HLT,
    HC_EXITS_VMCALL,
    HC_EXITS_EPT,
    HC_EXITS_INTERRUPT,
    HC_EXIT_COUNTERS,
};

struct hc_partition_entry {
    uint32_t id;
    uint32_t state; /* enum hc_partition_state */
    uint32_t cpu_count;
    uint32_t mode;
    uint64_t memory_bytes;
    char name[HC_NAME_LEN];
    uint64_t exits[HC_EXIT_COUNTERS];
    uint32_t has_exit_status; /* 1 when its last run ended through the exit port */
    uint32_t exit_status;     /* what it wrote there; 0 when has_exit_status is 0 */
};

#endif
