#include "arch/x86_64/vcpu_irq.h"

#include "arch/x86_64/lapic.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/vmx_ops.h"

#define RFLAGS_IF                     (1ull << 9)
#define INTERRUPTIBILITY_STI          (1u << 0)
#define INTERRUPTIBILITY_MOV_SS       (1u << 1)
#define INTERRUPTIBILITY_NMI          (1u << 3) /* with virtual NMIs: the guest's own */
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
static void set_exiting_control(bool *state, uint32_t control, bool on)
{
    if (*state == on)
        return;
    uint64_t controls = vmcs_read(VMCS_PROC_BASED_CONTROLS);

    controls = on ? controls | control : controls & ~(uint64_t)control;
    vmcs_write(VMCS_PROC_BASED_CONTROLS, controls);
    *state = on;
}

static void set_interrupt_window_exiting(struct vcpu *vcpu, bool on)
{
    set_exiting_control(&vcpu->arch.interrupt_window, PROC_INTERRUPT_WINDOW_EXITING, on);
}

static void set_nmi_window_exiting(struct vcpu *vcpu, bool on)
{
    set_exiting_control(&vcpu->arch.nmi_window, PROC_NMI_WINDOW_EXITING, on);
}

static bool maskable_pending(struct vcpu *vcpu)
{
    return vapic_pending(&vcpu->arch.apic) >= 0 || (vcpu->arch.pic && vpic_pending(vcpu->arch.pic));
}

bool arch_vcpu_interrupt_pending(struct vcpu *vcpu)
{
    return __atomic_load_n(&vcpu->arch.nmis_pending, __ATOMIC_ACQUIRE) || maskable_pending(vcpu);
}

/* The vector to inject now, taken from its controller; -1 if none. The
 * local APIC goes first (apic_vector: its request, or -1): the PIC reaches
 * the CPU through its LINT0, the lowest of its sources. */
static int take_interrupt(struct vcpu *vcpu, int apic_vector)
{
    if (apic_vector >= 0) {
        vapic_deliver(&vcpu->arch.apic, (uint8_t)apic_vector);
        return apic_vector;
    }
    return vcpu->arch.pic ? vpic_acknowledge(vcpu->arch.pic) : -1;
}

static bool event_queued(void)
{
    return vmcs_read(VMCS_ENTRY_INTERRUPTION_INFO) & INTERRUPTION_VALID;
}

enum nmi_outcome {
    NMI_NONE,         /* none pending, or none can be delivered */
    NMI_INJECTED,     /* one goes in with this entry */
    NMI_AFTER_WINDOW, /* the guest blocks NMIs: an NMI-window exit comes when it stops */
    NMI_AFTER_STI,    /* only the STI shadow blocks it: an interrupt window serves */
};

/* An NMI goes in when the guest blocks none (no NMI in service, no STI or
 * MOV SS shadow, no other event this entry). The NMI window cannot be used
 * for the STI shadow, which some CPUs ignore there; IF is set under that
 * shadow, so the interrupt window ends with it. */
static enum nmi_outcome inject_nmi(struct vcpu *vcpu)
{
    if (!__atomic_load_n(&vcpu->arch.nmis_pending, __ATOMIC_ACQUIRE) ||
        !(vmcs_read(VMCS_PIN_BASED_CONTROLS) & PIN_VIRTUAL_NMIS))
        return NMI_NONE;
    uint64_t blocking = vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);
    if (event_queued() || (blocking & (INTERRUPTIBILITY_MOV_SS | INTERRUPTIBILITY_NMI)))
        return NMI_AFTER_WINDOW;
    if (blocking & INTERRUPTIBILITY_STI)
        return NMI_AFTER_STI;
    __atomic_sub_fetch(&vcpu->arch.nmis_pending, 1, __ATOMIC_ACQ_REL);
    vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO,
               INTERRUPTION_VALID | INTERRUPTION_TYPE_NMI | VECTOR_NMI);
    return NMI_INJECTED;
}

/* Whether an interrupt waits for a window: the one it goes in at, or none
 * when it is injected now. *more: another is ready at once, which only a
 * PIC in auto-EOI mode has (the local APIC's next one waits for the EOI of
 * this one, and the EOI notes work). */
static bool inject_interrupt(struct vcpu *vcpu, bool *more)
{
    int apic_vector = vapic_pending(&vcpu->arch.apic); /* looked up once per entry */
    bool from_pic = apic_vector < 0;

    if (from_pic && !(vcpu->arch.pic && vpic_pending(vcpu->arch.pic)))
        return false;
    if (event_queued() || !vcpu_interrupts_enabled())
        return true;
    int vector = take_interrupt(vcpu, apic_vector);
    if (vector >= 0)
        vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO,
                   INTERRUPTION_VALID | INTERRUPTION_TYPE_EXTERNAL | (uint32_t)vector);
    *more = from_pic && vcpu->arch.pic && vpic_pending(vcpu->arch.pic);
    return false;
}

/* One event per entry: a fault the exit handler injected goes first, then
 * an NMI, and an interrupt waits for the window after them (SDM Vol. 3C
 * 27.6). Returns whether anything still waits for a later entry. */
bool arch_vcpu_inject_pending(struct vcpu *vcpu)
{
    enum nmi_outcome nmi = inject_nmi(vcpu);
    bool interrupt_waits = nmi == NMI_AFTER_STI, more = false;

    set_nmi_window_exiting(vcpu, nmi == NMI_AFTER_WINDOW);
    interrupt_waits |= inject_interrupt(vcpu, &more);
    set_interrupt_window_exiting(vcpu, interrupt_waits);
    return interrupt_waits || more || nmi == NMI_AFTER_WINDOW ||
           __atomic_load_n(&vcpu->arch.nmis_pending, __ATOMIC_ACQUIRE) != 0;
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

int exit_handle_nmi_window(struct vcpu *vcpu)
{
    set_nmi_window_exiting(vcpu, false);
    return 1;
}
