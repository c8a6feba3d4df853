/*
 * Static partitions: each gets the CPUs and the private memory its config
 * section names, an EPT that maps that memory and nothing else, and its
 * image. A partition that crashes is stopped (or restarted) on its own CPUs;
 * nothing it does reaches another partition or the hypervisor.
 */
#ifndef HV_PARTITION_H
#define HV_PARTITION_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/arch.h"
#include "hv/boot_info.h"
#include "lib/config.h"
#include "drivers/i8042.h"
#include "hv/device_model.h"
#include "hv/event.h"
#include "hv/grant.h"
#include "hv/log_share.h"
#include "include/bulkhead/guest_abi.h"
#include "hv/guest_memory.h"
#include "hv/rate_limit.h"
#include "hv/spinlock.h"
#include "hv/vcpu.h"

enum partition_state {
    PARTITION_RUNNING = 0,
    PARTITION_STOPPED, /* ended cleanly: exit port, HLT, time limit */
    PARTITION_CRASHED,
    PARTITION_DESTROYED,
};

/* What the privileged partition asked a partition's boot CPU to do. */
enum partition_command {
    PARTITION_COMMAND_NONE = 0,
    PARTITION_COMMAND_START,
    PARTITION_COMMAND_RESTART,
    PARTITION_COMMAND_DESTROY,
};

#define PARTITION_CONSOLE_LINE 160

/* What a partition may print through the hypervisor's console (HC_CONSOLE_WRITE,
 * the debug console port): a burst above the most any test guest prints at
 * once (about 7 KiB), and three times what a 115200-baud line carries; the
 * rest is dropped and counted. What the privileged partition relays for
 * another (HC_CONSOLE_WRITE_FOR) counts against the other's; its own
 * lines are not limited. */
#define CONSOLE_BURST_BYTES      (16u * 1024)
#define CONSOLE_BYTES_PER_SECOND (32u * 1024)
#define PARTITION_MAX_RESTARTS   3

struct partition {
    unsigned id;
    const struct config_partition *config;
    const struct boot_module *image;
    const struct boot_module *initrd; /* or 0 */
    uint64_t ram_phys, ram_size;
    bool kernel_64bit; /* an ELF64 image (a flat one is a legacy 16-bit image) */
    uint64_t entry;    /* guest-physical entry point */
    unsigned boot_cpu; /* the physical CPU of vCPU 0 */
    volatile enum partition_state state;
    const char *stop_cause;
    uint32_t exit_status;
    bool has_exit_status;
    unsigned restarts;
    uint64_t deadline_tsc;
    uint64_t unowned_accesses;
    struct vcpu *vcpus[CONFIG_MAX_CPUS]; /* by vCPU index = x2APIC ID */
    unsigned vcpu_count;
    volatile unsigned vcpus_running;
    volatile bool stopping; /* every vCPU is to leave its guest */
    volatile bool crashed;  /* one vCPU crashed in this run */
    volatile bool finished; /* for good: no restart will follow */
    uint64_t dropped_ipis;  /* IPIs aimed outside the partition */
    struct event_table events;
    struct grant_table grants;
    struct spinlock ept_lock;         /* grant mappings change its EPT */
    volatile uint64_t ept_generation; /* bumped when mappings go away */
    volatile uint64_t timer_deadline; /* HC_TIMER_SET: TSC, 0 = off */
    volatile unsigned timer_port;
    volatile enum partition_command command; /* from the privileged partition */
    const struct partition *stopped_by;      /* the privileged partition, if it did */
    volatile bool stop_requested;            /* by it, for the current run */
    struct spinlock console_lock;
    char console_line[PARTITION_CONSOLE_LINE + 1];
    unsigned console_len;
    struct rate_limit console_limit;        /* CONSOLE_* below */
    struct log_console_share console_share; /* see log_console_line() */
    uint64_t console_dropped;               /* bytes, since the count was last printed */
    uint64_t console_dropped_reported;      /* TSC of that */
    /* Devices it owns (config `devices`), as its boot-info page lists them. */
    uint32_t device_count;
    struct guest_device devices[GUEST_MAX_DEVICES];
    struct guest_framebuffer framebuffer;
    uint32_t range_count;
    struct guest_device_range ranges[GUEST_MAX_DEVICE_RANGES];
    struct device_table device_models;   /* what its exits reach (partition_models.c) */
    struct i8042_filter keyboard_filter; /* an owned PS/2 controller's (partition_keyboard.c) */
    uint64_t keyboard_refused;           /* its writes the filter kept from the controller */
    /* The IRQ of config->devices[i] as attached (0: none); a PCI
     * function's interrupt line register is read once, at boot. */
    uint8_t device_irqs[CONFIG_MAX_DEVICES];
    /* The privileged partition's: the disks it serves (partition_disks.c). */
    uint32_t disk_count;
    struct guest_disk disks[GUEST_MAX_DISKS];
    struct partition_arch arch; /* the EPT, I/O bitmaps, emulated PIC, ... */
};

struct partition_counts {
    unsigned total, running, stopped, crashed;
};

/* On the boot CPU, once every CPU has reported: builds every partition of the
 * config (memory, EPT, image). False when one cannot be built; then none
 * runs. */
bool partitions_create(const struct config *config, const struct boot_info *boot, uint64_t tsc_hz);

/* On every CPU: runs the vCPU this CPU is given, if any, until its partition
 * has stopped for good. CPUs given to no partition return at once. */
void partitions_run_on_this_cpu(unsigned cpu);

/* On the boot CPU: waits until every partition has stopped or crashed. */
void partitions_wait(void);

struct partition_counts partitions_count(void);

/* Partition `index` in config order (id - 1), destroyed ones included; 0
 * past the last. */
const struct partition *partition_at(unsigned index);

/* HC_MACHINE_CONTROL: `by` asked for `action` ("power-off", "reboot").
 * Every partition, `by` last, stops for good as if `by` had stopped it;
 * none restarts or takes commands any more. */
void partitions_shut_down(struct partition *by, const char *action);
/* partition_devices.c: before any partition is built, every owned device
 * must be present (reported with the config's file and line when not). */
bool partition_devices_present(const struct config *config, const struct boot_info *boot);
/* Gives a partition the devices its config names: ports opened in its own
 * I/O bitmaps, device memory mapped in its EPT. Returns 0 or the problem. */
const char *partition_devices_attach(struct partition *p, const struct boot_info *boot);

/* The file of that name the stub loaded, or 0. */
const struct boot_module *partition_boot_module(const struct boot_info *boot, const char *name);

/* partition_disks.c: why the disk a partition's config names cannot be
 * served (its image is missing or not whole sectors), or 0; and, for the
 * privileged partition, every other partition's disk image mapped into its
 * memory from GUEST_DISK_WINDOW up and listed for its boot-info page. */
const char *partition_disk_problem(const struct config_partition *c, const struct boot_info *boot);
const char *partition_disks_attach(struct partition *p, const struct config *config,
                                   const struct boot_info *boot);
/* partition_models.c: fills the partition's device table from its mode
 * and config. Returns 0 or the problem. */
const char *partition_models_register(struct partition *p);
/* The core's models the tables hold: partition_io.c, partition_pci.c (the
 * emulated platform's are the arch's: arch_partition_register_platform). */
extern const struct device_model partition_debugcon_model, partition_exit_port_model,
    partition_pci_config_model, partition_owned_pci_model, partition_owned_pci_dma_model,
    partition_keyboard_model;

/* For the exit handlers. */
const char *partition_name(const struct partition *partition);
bool partition_is_pv(const struct partition *partition);

/* Before a VM entry of a partition's vCPU that has work noted
 * (vcpu_note_work): acts on stop requests, INIT, the time limit and the
 * APIC timer, injects a pending interrupt and sets the preemption timer.
 * Returns nonzero to enter the guest. */
int partition_vcpu_before_entry(struct vcpu *vcpu);

/* vcpu_note_work() for every vCPU of the partition. */
static inline void partition_note_work(struct partition *p)
{
    for (unsigned i = 0; i < p->vcpu_count; i++)
        vcpu_note_work(p->vcpus[i]);
}

/* The guest ended its run on its own (the exit port, an ACPI power-off):
 * a clean stop with this exit status. For a device model to return. */
enum device_result partition_exit(struct vcpu *vcpu, uint32_t status, const char *cause);

/* The guest reset its platform (the reset register): this run ends and the
 * partition starts again from a fresh image, as a PC reboots; the other
 * partitions see nothing of it. For a device model to return. */
enum device_result partition_guest_reset(struct vcpu *vcpu);

/* The guest executed HLT with interrupts on: sleeps until it has an
 * interrupt to take (or must stop). Returns nonzero to resume it. */
int partition_vcpu_wait(struct vcpu *vcpu);

/* Ends the current run of the partition on every one of its vCPUs. */
void partition_stop_all(struct partition *partition);

/* The partition with this id (1, 2, ... in config order), unless there is
 * none or it was destroyed. */
struct partition *partition_by_id(uint64_t id);

bool partition_range_in_ram(const struct partition *p, uint64_t address, uint64_t length);

/* Injects vector into vCPU `vcpu` of the partition, waking it if it sleeps. */
void partition_deliver_interrupt(struct partition *p, unsigned vcpu, uint8_t vector);

/* Grant mappings in the grantee's EPT (callers hold the grants lock). */
bool partition_map_foreign(struct partition *grantee, uint64_t address,
                           const struct partition *granter, uint64_t granter_address, uint64_t size,
                           bool writable);
void partition_unmap_foreign(struct partition *grantee, uint64_t address, uint64_t size);

/* True once no CPU of the partition can use a translation removed before
 * the call: each drops its cached EPT translations. False when a CPU did
 * not confirm in time: the partition is then stopped (a vCPU flushes
 * before every entry, so it never runs on with the stale translation) and
 * the caller must not hand out again what was unmapped. */
bool partition_flush_ept(struct partition *p);

/* Before its vCPU re-enters the guest: drops stale EPT translations. */
void partition_vcpu_flush_ept(struct vcpu *v);

/* TSC ticks per second, as calibrated at boot. */
uint64_t partition_tsc_hz(void);
/* The time of day was `seconds` (UTC, since 1970) when the TSC read tsc. */
void partition_set_time_of_day(int64_t seconds, uint64_t tsc);
/* The time of day now, for the partitions' clocks; 0 when it is not known. */
int64_t partition_time_of_day(void);

/* Pauses the vCPU (sleeping) while *busy stays true; false when it has to
 * stop meanwhile. */
bool partition_vcpu_wait_for(struct vcpu *vcpu, volatile bool *busy);

/* Makes the vCPU's CPU look at its work again (no-op on its own CPU). */
void partition_wake_vcpu(struct vcpu *vcpu);

/* HC_BLOCK: like HLT with interrupts on, but also ends at the deadline. */
int partition_vcpu_block(struct vcpu *vcpu, uint64_t tsc_deadline);

bool partition_is_privileged(const struct partition *p);
/* The partition's RAM as hypercalls reach it. */
struct guest_memory partition_guest_memory(const struct partition *p);
/* The guest-physical end of its RAM (above the MMIO hole when the RAM
 * reaches past it): the grant window starts there. */
uint64_t partition_ram_end(const struct partition *p);
unsigned partition_vcpu_index(const struct vcpu *vcpu);
void partition_describe_self(const struct partition *p, const struct vcpu *vcpu,
                             struct hc_self_info *info);
/* Whether p owns the serial port at `port` (config `devices`); never 0. */
bool partition_owns_serial(const struct partition *p, uint16_t port);
/* Fills the entry of partition `id`; false when there is no such partition. */
bool partition_describe(uint64_t id, struct hc_partition_entry *entry);
/* HC_TIMER_SET: the port's event at the TSC deadline; 0 cancels. */
int64_t partition_set_timer(struct partition *p, uint64_t tsc_deadline, uint64_t port);
/* Prints text on the partition's console, a line at a time. */
void partition_console_write(struct partition *p, const char *text, unsigned length);
/* Sets up its console's bucket (CONSOLE_*), and prints how many bytes it
 * dropped since the count was last printed (when its run ends). */
void partition_limit_console(struct partition *p, uint64_t tsc_hz);
void partition_console_report_dropped(struct partition *p);

/* Commands of the privileged partition; return 0 or an HC_E* error. */
int64_t partition_command(struct partition *target, enum partition_command command);
int64_t partition_request_stop(struct partition *target, const struct partition *by);
/* A device model's interrupt line into a full partition's 8259 and I/O
 * APIC (line 0-23, as arch_partition_set_irq_line() numbers them). */
void partition_set_irq_line(struct partition *target, unsigned line, bool high);
/* An RDMSR (write false) or WRMSR of the guest, as its device table
 * routes it: DEVICE_DONE, DEVICE_REFUSED (#GP), or DEVICE_NO_MODEL for an
 * MSR no model claims. */
enum device_result partition_msr_access(struct vcpu *vcpu, uint32_t msr, bool write,
                                        uint64_t *value);
/* Whether a device model emulates this guest-physical address for p. */
bool partition_mmio_claimed(const struct partition *p, uint64_t address);
/* A load or store of 1, 2, 4 or 8 bytes at a claimed address: *value in
 * (store) or to fill (load). False when the vCPU has to stop meanwhile. */
bool partition_mmio_access(struct vcpu *vcpu, uint64_t address, unsigned size, bool write,
                           uint64_t *value);
/* A port access of the guest: value in (out) or to fill (in); rep_count is
 * what a REP INS/OUTS element has left including itself, else 0. Returns
 * false when the access ended the vCPU (the exit port, a stop meanwhile). */
bool partition_port_access(struct vcpu *vcpu, uint16_t port, unsigned size, bool out,
                           uint32_t *value, uint32_t rep_count);

/* `count` elements of a REP INS/OUTS whose bytes lie together at the
 * guest-physical `buffer`, as one request to the I/O server: DEVICE_DONE,
 * DEVICE_STOP_VCPU, or DEVICE_NO_MODEL when the port's model takes single
 * elements only (then they go one by one). */
enum device_result partition_port_block(struct vcpu *vcpu, uint16_t port, unsigned size, bool in,
                                        uint64_t buffer, uint32_t count, uint32_t rep_count);

#endif
