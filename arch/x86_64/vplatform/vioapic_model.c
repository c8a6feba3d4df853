/*
 * A full partition's I/O APIC (vioapic.h) as the core reaches it: its page
 * at PC_IOAPIC_BASE in the device table, the lines device models drive
 * into it and the 8259 (arch_partition_set_irq_line), MSIs, and the EOIs
 * of its level-triggered vectors. Its messages go to the partition's own
 * vCPUs only; the machine's real I/O APIC is never reached (no EPT maps
 * it, and nothing here touches it).
 */
#include "arch/x86_64/vplatform/platform.h"
#include "hv/arch.h"
#include "hv/partition.h"
#include "lib/pc_layout.h"

#define ISA_IRQ_TIMER   0
#define ISA_IRQ_CASCADE 2
#define IOAPIC_PIN_NONE (-1)

static void deliver_to_partition(void *context, const struct vapic_ipi *message)
{
    vplatform_deliver(context, 0, message);
}

static struct vioapic_sink partition_sink(struct partition *p)
{
    return (struct vioapic_sink){deliver_to_partition, p};
}

/* A PC wires ISA IRQ 0 to pin 2 (the MADT's interrupt source override);
 * IRQ 2 is the 8259's cascade, which reaches no pin. */
static int ioapic_pin(unsigned line)
{
    if (line == ISA_IRQ_TIMER)
        return 2;
    if (line == ISA_IRQ_CASCADE || line >= VIOAPIC_PINS)
        return IOAPIC_PIN_NONE;
    return (int)line;
}

bool arch_partition_set_irq_line(struct partition *p, unsigned line, bool high)
{
    int pin = ioapic_pin(line);
    struct vioapic_sink sink = partition_sink(p);

    if (pin != IOAPIC_PIN_NONE)
        vioapic_set_line(&p->arch.ioapic, (unsigned)pin, high, &sink);
    return line < VPIC_LINES && vpic_set_line(&p->arch.pic, line, high);
}

bool arch_partition_send_msi(struct partition *p, uint64_t address, uint64_t data)
{
    struct vapic_ipi message;

    if (!vioapic_msi_message(address, data, &message))
        return false;
    vplatform_deliver(p, 0, &message);
    return true;
}

void vplatform_ioapic_eoi(struct partition *p, uint8_t vector)
{
    struct vioapic_sink sink = partition_sink(p);

    vioapic_eoi(&p->arch.ioapic, vector, &sink);
}

static enum device_result ioapic_access(struct vcpu *v, void *state, struct device_access *a)
{
    struct vioapic *io = state;
    uint32_t offset = (uint32_t)(a->address - PC_IOAPIC_BASE);
    struct vioapic_sink sink = partition_sink(v->partition);

    if (a->write)
        vioapic_mmio_write(io, offset, a->size, (uint32_t)a->value, &sink);
    else
        a->value = vioapic_mmio_read(io, offset, a->size);
    return DEVICE_DONE;
}

const struct device_model vioapic_model = {"I/O APIC", ioapic_access};
