/*
 * The ACPI fixed hardware (vacpi.h) as a model of a full partition's device
 * table: the PM1a event and control blocks and the PM timer at 0x600-0x60b,
 * the reset register at 0xCF9. Its writes may end the run: S5 stops the
 * partition with exit status 0, a reset starts it again. The operator's
 * power button (dom0's `shutdown NAME`) raises its SCI from another CPU.
 */
#include "arch/x86_64/vplatform/platform.h"
#include "hv/arch.h"
#include "hv/partition.h"
#include "lib/pc_layout.h"

/* Drives the SCI (an ISA line, level-triggered) when an enabled event
 * comes or goes. Under the partition's ACPI lock. */
static void update_sci(struct partition *p)
{
    bool high = vacpi_sci_asserted(&p->arch.acpi);

    if (high == p->arch.acpi.sci_high)
        return;
    p->arch.acpi.sci_high = high;
    partition_set_irq_line(p, PC_SCI_IRQ, high);
}

static enum device_result act(struct vcpu *v, enum vacpi_action action)
{
    if (action == VACPI_POWER_OFF)
        return partition_exit(v, 0, "ACPI power-off (S5)");
    if (action == VACPI_RESET)
        return partition_guest_reset(v);
    return DEVICE_DONE;
}

/* A wider access covers the next ports too, byte by byte; bytes on ports
 * the model does not have read all ones and take no writes. */
static enum device_result acpi_access(struct vcpu *v, void *state, struct device_access *a)
{
    struct vacpi *acpi = &v->partition->arch.acpi;
    enum vacpi_action action = VACPI_NOTHING, done;
    uint64_t tsc = a->write ? 0 : arch_read_tsc();
    uint32_t read = 0;

    (void)state;
    spin_lock(&v->partition->arch.acpi_lock);
    for (unsigned i = 0; i < a->size; i++) {
        uint16_t port = (uint16_t)(a->address + i);
        if (!vacpi_owns_port(port))
            read |= 0xffu << (8 * i);
        else if (!a->write)
            read |= (uint32_t)vacpi_read(acpi, port, tsc, partition_tsc_hz()) << (8 * i);
        else if ((done = vacpi_write(acpi, port, (uint8_t)(a->value >> (8 * i)))))
            action = done;
    }
    if (a->write)
        update_sci(v->partition);
    spin_unlock(&v->partition->arch.acpi_lock);
    if (!a->write) {
        a->value = read;
        return DEVICE_DONE;
    }
    return act(v, action);
}

bool arch_partition_press_power_button(struct partition *p)
{
    spin_lock(&p->arch.acpi_lock);
    bool listening = vacpi_press_power_button(&p->arch.acpi);
    update_sci(p);
    spin_unlock(&p->arch.acpi_lock);
    return listening;
}

const struct device_model vacpi_port_model = {"ACPI fixed hardware", acpi_access};
