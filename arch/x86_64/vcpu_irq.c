#include "arch/x86_64/vcpu_irq.h"

#include "arch/x86_64/lapic.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/vmx_ops.h"

#define RFLAGS_IF                     (1ull << 9)
#define INTERRUPTIBILITY_STI          (1u << 0)
#define INTERRUPTIBILITY_MOV_SS       (1u << 1)
#define INTERRUPTION_TYPE_EXTERNAL    (0u << 8)
#define PROC_INTERRUPT_WINDOW_EXITING (1u << 2)

/* Whether the guest, as it stands at this exit, accepts a maskable
 * interrupt (RFLAGS.IF set and no STI or MOV SS shadow). */
static bool vcpu_interrupts_enabled(void)
{
    uint64_t blocked = INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS;

    return (vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_IF) &&
           !(vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) & blocked);
}

/* The control only changes when the wish changes: a VMCS access less on
 * almost every entry. */
static void set_interrupt_window_exiting(struct vcpu *vcpu, bool on)
{
    if (vcpu->arch.interrupt_window == on)
        return;
    uint64_t controls = vmcs_read(VMCS_PROC_BASED_CONTROLS);

    controls = on ? controls | PROC_INTERRUPT_WINDOW_EXITING
                  : controls & ~(uint64_t)PROC_INTERRUPT_WINDOW_EXITING;
    vmcs_write(VMCS_PROC_BASED_CONTROLS, controls);
    vcpu->arch.interrupt_window = on;
}

bool arch_vcpu_interrupt_pending(struct vcpu *vcpu)
{
    return vapic_pending(&vcpu->arch.apic) >= 0 || (vcpu->arch.pic && vpic_pending(vcpu->arch.pic));
}

/* The vector to inject now, taken from its controller; -1 if none. The
 * local APIC goes first: the PIC reaches the CPU through its LINT0, the
 * lowest of its sources. */
static int take_interrupt(struct vcpu *vcpu, bool *from_pic)
{
    int vector = vapic_pending(&vcpu->arch.apic);

    *from_pic = vector < 0;
    if (vector >= 0) {
        vapic_deliver(&vcpu->arch.apic, (uint8_t)vector);
        return vector;
    }
    return vcpu->arch.pic ? vpic_acknowledge(vcpu->arch.pic) : -1;
}

/* One event per entry: a fault the exit handler injected goes first, and
 * the interrupt waits for the window after it (SDM Vol. 3C 27.6). */
bool arch_vcpu_inject_pending(struct vcpu *vcpu)
{
    if (!arch_vcpu_interrupt_pending(vcpu)) {
        set_interrupt_window_exiting(vcpu, false);
        return false;
    }
    bool event_queued = vmcs_read(VMCS_ENTRY_INTERRUPTION_INFO) & INTERRUPTION_VALID;
    if (event_queued || !vcpu_interrupts_enabled()) {
        set_interrupt_window_exiting(vcpu, true);
        return true;
    }
    bool from_pic;
    int vector = take_interrupt(vcpu, &from_pic);
    if (vector >= 0)
        vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO,
                   INTERRUPTION_VALID | INTERRUPTION_TYPE_EXTERNAL | (uint32_t)vector);
    set_interrupt_window_exiting(vcpu, false);
    /* The local APIC's next request waits for this one's EOI, which notes
     * work; a PIC in auto-EOI mode may have the next one ready at once. */
    return from_pic && vcpu->arch.pic && vpic_pending(vcpu->arch.pic);
}

void arch_vcpu_kick(const struct vcpu *vcpu)
{
    lapic_send_vector(percpus[vcpu->cpu_index].apic_id, LAPIC_VECTOR_KICK);
}

int exit_handle_interrupt_window(struct vcpu *vcpu)
{
    set_interrupt_window_exiting(vcpu, false);
    return 1;
}
