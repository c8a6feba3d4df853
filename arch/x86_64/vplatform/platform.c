#include "arch/x86_64/vplatform/platform.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/vplatform/legacy.h"
#include "arch/x86_64/vplatform/vpic.h"
#include "hv/arch.h"
#include "hv/partition.h"
#include "lib/pc_layout.h"

#define APIC_BASE_DEFAULT  PC_LAPIC_BASE
#define APIC_BASE_BSP      (1ull << 8)
#define VPIC_PORTS         2 /* command and data */
#define VACPI_PORTS        (PC_PM_TIMER_PORT + 4 - PC_PM1A_EVENT_PORT)
#define CPUID_1_EDX_MTRR   (1u << 12)
#define CPUID_ADDRESS_LEAF 0x80000008u
#define PHYS_BITS_BEFORE   36 /* MAXPHYADDR of a CPU without leaf 0x80000008 */

/* The MAXPHYADDR a partition's CPUID passes on from the CPU. */
static unsigned guest_phys_bits(void)
{
    if (cpu_cpuid(CPUID_ADDRESS_LEAF & 0x80000000u, 0).eax < CPUID_ADDRESS_LEAF)
        return PHYS_BITS_BEFORE;
    return cpu_cpuid(CPUID_ADDRESS_LEAF, 0).eax & 0xff;
}

/* Registers and local APIC as after a reset (or an INIT). */
void arch_vcpu_reset(struct vcpu *v)
{
    vapic_reset(&v->arch.apic, v->index);
    /* The legacy PIC's output wire reaches the first CPU only, as on a PC,
     * and only full partitions have one. */
    bool full = v->partition->config->mode == CONFIG_MODE_FULL;

    v->arch.pic = v->index == 0 && full ? &v->partition->arch.pic : 0;
    /* An AP's INIT finds them as the firmware left every CPU. */
    vmtrr_reset(&v->arch.mtrr, guest_phys_bits());
    v->arch.apic_base = APIC_BASE_DEFAULT | APIC_BASE_ENABLE | (v->index == 0 ? APIC_BASE_BSP : 0);
    v->arch.init_pending = false;
    v->arch.sipi_vector = -1;
    __atomic_store_n(&v->arch.nmis_pending, 0, __ATOMIC_RELAXED);
}

void arch_partition_reset_platform(struct partition *p)
{
    vpic_reset(&p->arch.pic);
    vacpi_reset(&p->arch.acpi);
    vlegacy_reset(p);
    vioapic_reset(&p->arch.ioapic, VIOAPIC_ID);
}

/* A wider access covers the next ports too, byte by byte; bytes on ports
 * the PIC does not have read all ones. Only vCPU 0 reaches the PIC (the
 * one its output wire reaches); the others read nothing there. */
static enum device_result pic_access(struct vcpu *v, void *state, struct device_access *a)
{
    uint32_t read = 0;

    if (!v->arch.pic)
        return device_bare_metal.access(v, state, a);
    for (unsigned i = 0; i < a->size; i++) {
        uint16_t byte_port = (uint16_t)(a->address + i);
        if (!vpic_owns_port(byte_port))
            read |= 0xffu << (8 * i);
        else if (a->write)
            vpic_write(v->arch.pic, byte_port, (uint8_t)(a->value >> (8 * i)));
        else
            read |= (uint32_t)vpic_read(v->arch.pic, byte_port) << (8 * i);
    }
    if (a->write)
        vcpu_note_work(v); /* a mask or an EOI may free a request */
    else
        a->value = read;
    return DEVICE_DONE;
}

static const struct device_model pic_model = {"8259 PIC", pic_access};

/* The MTRRs of a full partition's vCPUs: emulated, never the CPU's (the
 * guest's memory types change nothing: the EPT's types stand). The other
 * MSRs of 0x200-0x2ff go on to the feature table. */
static enum device_result mtrr_access(struct vcpu *v, void *state, struct device_access *a)
{
    uint32_t msr = (uint32_t)a->address;

    (void)state;
    if (!vmtrr_owns(msr))
        return DEVICE_NO_MODEL;
    if (a->write)
        return vmtrr_write(&v->arch.mtrr, msr, a->value) ? DEVICE_DONE : DEVICE_REFUSED;
    return vmtrr_read(&v->arch.mtrr, msr, &a->value) ? DEVICE_DONE : DEVICE_REFUSED;
}

static const struct device_model mtrr_model = {"MTRRs", mtrr_access};

static bool claim(struct partition *p, enum device_space space, uint64_t first, uint64_t count,
                  const struct device_model *model)
{
    return device_table_claim(&p->device_models, space, first, count, model, 0);
}

/* Where CPUID shows MTRRs (the feature table gives the CPU's bit). */
static bool claim_mtrrs(struct partition *p)
{
    if (!(cpu_cpuid(1, 0).edx & CPUID_1_EDX_MTRR))
        return true;
    return claim(p, DEVICE_SPACE_MSR, VMTRR_CAP_ADDRESS, 1, &mtrr_model) &&
           claim(p, DEVICE_SPACE_MSR, VMTRR_FIRST_ADDRESS,
                 VMTRR_LAST_ADDRESS - VMTRR_FIRST_ADDRESS + 1, &mtrr_model);
}

bool arch_partition_register_platform(struct partition *p)
{
    bool fits = true;

    if (p->config->mode == CONFIG_MODE_FULL) {
        fits &= claim(p, DEVICE_SPACE_PORT, VPIC_MASTER_COMMAND, VPIC_PORTS, &pic_model);
        fits &= claim(p, DEVICE_SPACE_PORT, VPIC_SLAVE_COMMAND, VPIC_PORTS, &pic_model);
        fits &= claim(p, DEVICE_SPACE_PORT, PC_PM1A_EVENT_PORT, VACPI_PORTS, &vacpi_port_model);
        fits &= claim(p, DEVICE_SPACE_PORT, PC_RESET_PORT, 1, &vacpi_port_model);
        fits &= vlegacy_register(p);
        fits &= claim(p, DEVICE_SPACE_MMIO, PC_LAPIC_BASE, VAPIC_MMIO_SIZE, &vapic_mmio_model);
        fits &= device_table_claim(&p->device_models, DEVICE_SPACE_MMIO, PC_IOAPIC_BASE,
                                   VIOAPIC_MMIO_SIZE, &vioapic_model, &p->arch.ioapic);
        fits &= claim_mtrrs(p);
    }
    fits &= claim(p, DEVICE_SPACE_MSR, VAPIC_MSR_FIRST, VAPIC_MSR_LAST - VAPIC_MSR_FIRST + 1,
                  &vapic_msr_model);
    fits &= claim(p, DEVICE_SPACE_MSR, MSR_IA32_TSC_DEADLINE, 1, &vapic_msr_model);
    return fits;
}

bool arch_vcpu_raise(struct vcpu *v, uint8_t vector)
{
    bool newly = vapic_accept(&v->arch.apic, vector);

    vcpu_note_work(v);
    return newly;
}

void arch_vcpu_raise_nmi(struct vcpu *v)
{
    __atomic_add_fetch(&v->arch.nmis_pending, 1, __ATOMIC_RELEASE);
    vcpu_note_work(v);
}

/* vCPU 0 keeps the time of the partition's legacy timers (the PIT and the
 * RTC), whichever CPU their interrupts then reach. */
static bool keeps_legacy_time(const struct vcpu *v)
{
    return v->index == 0 && v->partition->config->mode == CONFIG_MODE_FULL;
}

uint64_t arch_vcpu_timer_deadline(const struct vcpu *v)
{
    uint64_t timer = vapic_timer_deadline(&v->arch.apic);
    uint64_t legacy = keeps_legacy_time(v) ? vlegacy_deadline(v->partition) : 0;

    return !timer || (legacy && legacy < timer) ? legacy : timer;
}

void arch_vcpu_timer_tick(struct vcpu *v, uint64_t now)
{
    uint64_t timer = vapic_timer_deadline(&v->arch.apic);

    if (timer && now >= timer)
        vapic_timer_tick(&v->arch.apic, now);
    if (keeps_legacy_time(v))
        vlegacy_tick(v->partition, now);
}

bool arch_vcpu_take_reset(struct vcpu *v)
{
    if (!v->arch.init_pending)
        return false;
    v->arch.init_pending = false;
    return true;
}

bool arch_vcpu_start_requested(const struct vcpu *v)
{
    return v->arch.sipi_vector >= 0;
}

static void deliver_ipi(struct vcpu *to, const struct vapic_ipi *ipi)
{
    switch (ipi->kind) {
    case VAPIC_IPI_FIXED:
        if (ipi->level)
            vapic_accept_level(&to->arch.apic, ipi->vector);
        else
            vapic_accept(&to->arch.apic, ipi->vector);
        break;
    case VAPIC_IPI_NMI:
        arch_vcpu_raise_nmi(to);
        break;
    case VAPIC_IPI_INIT:
        to->arch.init_pending = true;
        break;
    case VAPIC_IPI_STARTUP:
        if (to->state == VCPU_WAIT_SIPI)
            to->arch.sipi_vector = ipi->vector;
        break;
    default:
        return;
    }
    vcpu_note_work(to);
    if (to->cpu_index != arch_cpu_index())
        arch_vcpu_kick(to);
}

/* A hardware-disabled APIC (IA32_APIC_BASE.EN clear) takes no message. */
static bool ipi_reaches(const struct vcpu *from, const struct vcpu *to, const struct vapic_ipi *ipi)
{
    if (!(to->arch.apic_base & APIC_BASE_ENABLE))
        return false;
    switch (ipi->shorthand) {
    case VAPIC_DEST_SELF:
        return to == from;
    case VAPIC_DEST_ALL_INCLUDING_SELF:
        return true;
    case VAPIC_DEST_ALL_EXCLUDING_SELF:
        return to != from;
    default:
        return vapic_names(&to->arch.apic, ipi->destination, ipi->logical);
    }
}

/* A lowest-priority message goes to the first vCPU it names: they all run
 * at the same priority on CPUs of their own. */
void vplatform_deliver(struct partition *p, struct vcpu *from, const struct vapic_ipi *ipi)
{
    bool delivered = false;

    for (unsigned i = 0; i < p->vcpu_count; i++) {
        if (ipi_reaches(from, p->vcpus[i], ipi)) {
            deliver_ipi(p->vcpus[i], ipi);
            delivered = true;
            if (ipi->lowest_priority && ipi->shorthand == VAPIC_DEST_FIELD)
                break;
        }
    }
    if (!delivered)
        __atomic_add_fetch(&p->dropped_ipis, 1, __ATOMIC_RELAXED);
}

void vplatform_send_ipi(struct vcpu *from, const struct vapic_ipi *ipi)
{
    vplatform_deliver(from->partition, from, ipi);
}

/* After a guest's write to its local APIC, by either front end: the IPI it
 * sent, the EOI the I/O APIC waits for, and a look at what may now be
 * deliverable (a TPR, a timer, an IPI to self, an EOI that frees a
 * request). */
void vplatform_apic_written(struct vcpu *v, const struct vapic_ipi *ipi, bool eoi)
{
    int level_vector = vapic_take_level_eoi(&v->arch.apic);

    if (ipi->kind != VAPIC_IPI_NONE)
        vplatform_send_ipi(v, ipi);
    if (level_vector >= 0)
        vplatform_ioapic_eoi(v->partition, (uint8_t)level_vector);
    if (!eoi || vapic_requested(&v->arch.apic))
        vcpu_note_work(v);
}
