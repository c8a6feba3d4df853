/*
 * The contract between the architecture-neutral core (hv/) and the x86-64
 * code (arch/x86_64/). hv/ calls only these arch_*() functions, and includes
 * no other arch header than the one that defines the arch parts of its
 * vCPU and partition structures.
 */
#ifndef HV_ARCH_H
#define HV_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/arch_types.h"
#include "hv/boot_info.h"

struct partition;
struct vcpu;
struct ioapic_isa_override;

/* Index of the running CPU (0 = the boot CPU), usable from the first line. */
unsigned arch_cpu_index(void);

/* Boot CPU: the minimum for the log to work (per-CPU pointer). */
void arch_boot_cpu_early_init(void);

/* Builds the hypervisor's own address space (W^X image, direct map of
 * physical memory) and switches to it. */
void arch_paging_init(const struct boot_info *boot);

/* Logs the permissions the core's own pages ended up with (W^X). */
void arch_paging_report(void);

/* Descriptor tables, exception handlers and a guarded stack for this CPU,
 * then continues in fn on that stack. */
__attribute__((noreturn)) void arch_cpu_init(unsigned index, uint32_t apic_id, void (*fn)(void *),
                                             void *arg);

struct acpi_info;

/* TSC ticks per second: CPUID 0x15 where a timer agrees, else measured
 * against the HPET, the ACPI PM timer or the PIT; logs where it came from. */
uint64_t arch_calibrate_tsc(const struct acpi_info *acpi);
uint64_t arch_read_tsc(void);

/* Sleeps with interrupts on until an interrupt arrives (a kick from another
 * CPU) or, when tsc_deadline is not 0, until the TSC reaches it. */
void arch_wait_for_interrupt(uint64_t tsc_deadline);

/* Prepares AP start-up: the trampoline page below 1 MiB from the stub. */
void arch_smp_init(uint64_t trampoline_phys, uint64_t tsc_hz);

/* Starts the CPU with this APIC id; it calls fn(index) on its own stack.
 * Returns false when it did not come up in time; if it comes later, it
 * parks itself without touching anything. */
bool arch_start_cpu(unsigned index, uint32_t apic_id, void (*fn)(void *));

/* Test hook: the CPU with this APIC id waits in its start-up until the boot
 * CPU has given up on it, as a late CPU would. */
void arch_smp_hold_cpu(uint32_t apic_id);

/* Logs, once each, the CPUs that came after their time-out and parked. */
void arch_smp_report_late(void);

/* Outcome of turning VT-x on, one per CPU. */
enum vmx_status {
    VMX_OK = 0,
    VMX_NOT_PRESENT,
    VMX_LOCKED_OFF,
    VMX_NO_EPT,
    VMX_NO_UNRESTRICTED_GUEST,
    VMX_NO_VPID,
    VMX_VMXON_FAILED,
    VMX_NO_MEMORY,
};

struct vmx_capabilities {
    bool vmx, ept, vpid, unrestricted_guest;
    bool feature_control_set_by_us;
};

enum vmx_status arch_vmx_enable(struct vmx_capabilities *caps);
const char *arch_vmx_status_text(enum vmx_status status);

void arch_halt_forever(void) __attribute__((noreturn));

/* A real NMI to the CPU (crash_test = nmi), and the NMIs a CPU has taken
 * so far, in a guest or in the hypervisor. */
void arch_send_nmi(unsigned cpu);
uint64_t arch_nmis_taken(unsigned cpu);

/* What a first tiny guest did, as seen through its VM exits. */
struct probe_report {
    bool halted;       /* it reached HLT */
    bool entry_failed; /* VMLAUNCH/VMRESUME itself failed */
    uint64_t exits_cpuid, exits_vmcall, exits_io, exits_hlt, exits_total;
    uint64_t vmcall_rax, vmcall_rbx;
    uint16_t io_port;
    uint32_t io_value;
    bool io_out;
    uint64_t first_entry_tsc; /* TSC just before the first VM entry */
};

/*
 * Runs a flat real-mode image in a fresh guest on this CPU (EPT-mapped RAM
 * at guest-physical 0, entry at PROBE_ENTRY) until it halts or is stopped.
 * Returns false when the guest could not be set up.
 */
#define PROBE_RAM_SIZE 0x10000
#define PROBE_ENTRY    0x1000
bool arch_run_probe_guest(const void *image, uint64_t size, struct probe_report *report);

/* ---- the machine's interrupts and what every partition shares ---------- */

/* Boot CPU, before any partition: finds the IOAPIC (the MADT's address, or
 * 0 for the PC's standard one) and masks every pin, keeping the MADT's
 * interrupt source overrides (or NULL); builds what every guest shares. */
void arch_platform_init(uint64_t ioapic_address, const struct ioapic_isa_override *overrides);

/* Device IRQs the platform routes: ISA IRQ n is IOAPIC pin n, the first
 * IOAPIC's pins. */
#define ARCH_DEVICE_IRQS 24

/* Routes a device IRQ's pin to the hypervisor on this CPU, unmasked, edge-
 * triggered active high (ISA) or level-triggered active low (PCI INTx);
 * false when no IOAPIC serves it. hv/device_irq.c decides what goes where. */
bool arch_irq_route(unsigned irq, unsigned cpu, bool level);
void arch_irq_mask(unsigned irq);
void arch_irq_unmask(unsigned irq); /* a pin arch_irq_route() set up */

/* ---- a partition's address space ---------------------------------------- */

enum arch_memory_kind {
    ARCH_MEMORY_RAM,         /* read, write, execute, write-back */
    ARCH_MEMORY_DEVICE,      /* registers: read, write, uncached */
    ARCH_MEMORY_FRAMEBUFFER, /* read, write, write-combining */
    ARCH_MEMORY_SHARED,      /* granted by another partition: read, write */
    ARCH_MEMORY_SHARED_READ, /* granted read-only */
};

struct arch_memory_region {
    uint64_t guest_phys, host_phys, size;
    enum arch_memory_kind kind;
};

/* An empty guest-physical address space; false when out of memory. */
bool arch_partition_init(struct partition *p);
/* False when table memory ran out half way (the part mapped stays). */
bool arch_map_memory_region(struct partition *p, const struct arch_memory_region *region);
void arch_unmap_memory_region(struct partition *p, uint64_t guest_phys, uint64_t size);
/* Whether nothing is mapped anywhere in [guest_phys, guest_phys + size). */
bool arch_memory_region_unmapped(const struct partition *p, uint64_t guest_phys, uint64_t size);
/* Drops this CPU's cached translations of the partition's address space. */
void arch_flush_memory_this_cpu(const struct partition *p);
/* Logs what the partition costs the hypervisor (tables, per-vCPU state). */
void arch_partition_report_overhead(const struct partition *p);

/* ---- a partition's platform ----------------------------------------------- */

/* The state the boot vCPU starts the image in, as its loader decided. */
enum arch_entry_mode {
    ARCH_ENTRY_REAL16,     /* a flat image: real mode */
    ARCH_ENTRY_BULKHEAD64, /* Bulkhead's ELF64 guests: include/bulkhead/guest_abi.h */
    ARCH_ENTRY_FLAT32,     /* protected mode, flat 4 GiB code and data, paging off */
    ARCH_ENTRY_LINUX64,    /* long mode, the low 4 GiB identity-mapped (Linux's boot protocol) */
};

struct arch_entry {
    enum arch_entry_mode mode;
    uint64_t rax, rbx, rsi; /* besides what the mode implies */
};

/* The image is in RAM (guest-physical 0 at `ram`): writes beside it the
 * tables the entry mode needs and keeps the mode for every boot. */
void arch_partition_image_loaded(struct partition *p, uint8_t *ram, const struct arch_entry *entry);
/* Lets the partition reach ports [first, first + count) without exits;
 * false when out of memory. */
bool arch_partition_open_ports(struct partition *p, uint16_t first, uint32_t count);
/* Every run starts with the emulated platform devices as after a reset. */
void arch_partition_reset_platform(struct partition *p);
/* A device model's interrupt line into a full partition, asserted or not,
 * wired as on a PC: lines 0-15 are the ISA IRQs, each an input of the 8259
 * pair and of the I/O APIC (IRQ 0 on pin 2, as the MADT's override says;
 * IRQ 2 is the 8259's cascade and no pin), lines 16-23 I/O APIC pins only.
 * The I/O APIC's messages reach their vCPUs at once; the result says
 * whether the 8259 now has an interrupt for vCPU 0 to look at. */
#define ARCH_PARTITION_IRQ_LINES 24
bool arch_partition_set_irq_line(struct partition *p, unsigned line, bool high);
/* A message-signalled interrupt into a full partition (address 0xFEExxxxx,
 * data with vector and delivery mode); false for a malformed one. */
bool arch_partition_send_msi(struct partition *p, uint64_t address, uint64_t data);
/* Presses a full partition's ACPI power button (an SCI when the guest has
 * enabled the event); whether it has, so that it may notice. */
bool arch_partition_press_power_button(struct partition *p);
/* Claims, in the partition's device table, the emulated platform devices
 * its mode gets (the 8259 ports, the I/O APIC and the xAPIC page of a full
 * partition, the x2APIC MSRs of every vCPU); false when the table is full.
 * Claimed before dom0's models, so none of those can shadow them. */
bool arch_partition_register_platform(struct partition *p);

/* ---- vCPUs ------------------------------------------------------------------ */

/* Once, when the vCPU's CPU, index and partition are set. */
void arch_vcpu_create(struct vcpu *v);
/* Registers and local interrupt controller as after a reset. */
void arch_vcpu_reset(struct vcpu *v);
/* The boot vCPU, at the partition's entry point; false when the CPU
 * refuses the state. */
bool arch_vcpu_prepare_boot(struct vcpu *v);
/* A secondary vCPU: whether another vCPU has signalled it to start, and
 * preparing it where that signal says (the signal is used up). */
bool arch_vcpu_start_requested(const struct vcpu *v);
bool arch_vcpu_prepare_secondary(struct vcpu *v);
/* Runs the vCPU until it halts, stops or crashes; false when the entry
 * itself failed (reported). */
bool arch_vcpu_run(struct vcpu *v);
/* From any CPU: makes the vCPU's CPU leave the guest (or its wait) and look
 * at its pending work. */
void arch_vcpu_kick(const struct vcpu *v);

/* A reset (INIT) arrived: true once, and the vCPU has to wait for a start. */
bool arch_vcpu_take_reset(struct vcpu *v);
/* Its local timer's deadline (TSC, 0 = none), and firing it when due. */
uint64_t arch_vcpu_timer_deadline(const struct vcpu *v);
void arch_vcpu_timer_tick(struct vcpu *v, uint64_t now);

/* Before an entry on the vCPU's own CPU: injects the highest pending
 * interrupt if the guest can take it now, else asks to exit when it can.
 * Returns whether an interrupt still waits for a later entry. */
bool arch_vcpu_inject_pending(struct vcpu *v);
/* Whether an interrupt waits for it. */
bool arch_vcpu_interrupt_pending(struct vcpu *v);
/* From any CPU: marks `vector` pending at the vCPU (the caller kicks it).
 * False when it was pending already: whoever raised it then kicked. */
bool arch_vcpu_raise(struct vcpu *v, uint8_t vector);
/* Queues a virtual NMI for the vCPU, callable from any CPU, also inside an
 * NMI; each one queued is delivered, one at a time, as the guest's NMI
 * handling allows (its IRET ends one before the next comes). */
void arch_vcpu_raise_nmi(struct vcpu *v);
/* Leaves the guest after about `ticks` TSC ticks (UINT64_MAX: never). */
void arch_vcpu_set_timer(struct vcpu *v, uint64_t ticks);
/* Adds its exits to the HC_EXITS_* counters of the guest ABI. */
void arch_vcpu_count_exits(const struct vcpu *v, uint64_t *counters);

#endif
