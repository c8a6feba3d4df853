/*
 * The contract between the architecture-neutral core (hv/) and the x86-64
 * code (arch/x86_64/). hv/ calls only these arch_*() functions.
 */
#ifndef HV_ARCH_H
#define HV_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/boot_info.h"

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

#endif
