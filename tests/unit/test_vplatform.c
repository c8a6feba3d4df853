/*
 * A full partition's emulated interrupt platform end to end on the host
 * (arch/x86_64/vplatform/): the real platform, local APIC, 8259 and I/O
 * APIC models behind the partition's device table, driven the way the
 * exits and dom0's hypercalls drive them. Covers the wiring the pure model
 * tests cannot: ISA lines into both controllers, I/O APIC messages and MSIs
 * to the right vCPUs, the xAPIC page, IPIs and INIT/SIPI between vCPUs,
 * and the EOI that reaches the I/O APIC.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "arch/x86_64/vplatform/platform.h"
#include "hv/partition.h"
#include "lib/pc_layout.h"

#define VCPUS 3

static struct config_partition config;
static struct partition partition;
static struct vcpu vcpus[VCPUS];
static unsigned kicks[VCPUS];

/* ---- what the platform asks of the rest of the hypervisor ---------------- */

unsigned arch_cpu_index(void)
{
    return 100; /* no vCPU's: every delivery kicks */
}

void arch_vcpu_kick(const struct vcpu *v)
{
    kicks[v->index]++;
}

uint64_t arch_read_tsc(void)
{
    return 1000;
}

/* The legacy devices and the ACPI fixed hardware registered beside the
 * interrupt controllers; what they ask for is not exercised here. */
const struct device_model partition_pci_config_model = {"PCI configuration", 0};

uint64_t partition_tsc_hz(void)
{
    return 1000000000;
}

int64_t partition_time_of_day(void)
{
    return 0;
}

void partition_set_irq_line(struct partition *target, unsigned line, bool high)
{
    arch_partition_set_irq_line(target, line, high);
}

enum device_result partition_exit(struct vcpu *vcpu, uint32_t status, const char *cause)
{
    (void)vcpu, (void)status, (void)cause;
    return DEVICE_DONE;
}

static unsigned guest_resets;

enum device_result partition_guest_reset(struct vcpu *vcpu)
{
    (void)vcpu;
    guest_resets++;
    return DEVICE_STOP_VCPU;
}

static void setup(void)
{
    memset(&partition, 0, sizeof(partition));
    memset(kicks, 0, sizeof(kicks));
    memset(&config, 0, sizeof(config));
    guest_resets = 0;
    config.mode = CONFIG_MODE_FULL;
    partition.config = &config;
    partition.vcpu_count = VCPUS;
    device_table_clear(&partition.device_models);
    cr_assert(arch_partition_register_platform(&partition));
    arch_partition_reset_platform(&partition);
    for (unsigned i = 0; i < VCPUS; i++) {
        vcpus[i] = (struct vcpu){.index = i, .cpu_index = i, .partition = &partition};
        partition.vcpus[i] = &vcpus[i];
        arch_vcpu_reset(&vcpus[i]);
    }
}

TestSuite(vplatform, .init = setup);

static uint64_t access(struct vcpu *v, enum device_space space, uint64_t address, bool write,
                       uint64_t value)
{
    struct device_access a = {
        .space = space, .address = address, .size = 4, .write = write, .value = value};
    cr_assert_eq(device_table_access(&partition.device_models, v, &a), DEVICE_DONE);
    return a.value;
}

static void apic_write(struct vcpu *v, uint32_t offset, uint32_t value)
{
    access(v, DEVICE_SPACE_MMIO, PC_LAPIC_BASE + offset, true, value);
}

static uint32_t apic_read(struct vcpu *v, uint32_t offset)
{
    return (uint32_t)access(v, DEVICE_SPACE_MMIO, PC_LAPIC_BASE + offset, false, 0);
}

static void ioapic_write(uint32_t reg, uint32_t value)
{
    access(&vcpus[0], DEVICE_SPACE_MMIO, PC_IOAPIC_BASE + VIOAPIC_IOREGSEL, true, reg);
    access(&vcpus[0], DEVICE_SPACE_MMIO, PC_IOAPIC_BASE + VIOAPIC_IOWIN, true, value);
}

static void pic_write(uint16_t port, uint8_t value)
{
    struct device_access a = {
        .space = DEVICE_SPACE_PORT, .address = port, .size = 1, .write = true, .value = value};
    cr_assert_eq(device_table_access(&partition.device_models, &vcpus[0], &a), DEVICE_DONE);
}

/* As Linux's xAPIC flat mode leaves each vCPU: enabled, LDR = 1 << index. */
static void enable_flat(struct vcpu *v)
{
    apic_write(v, 0xf0, VAPIC_SVR_ENABLE | 0xff);
    apic_write(v, VAPIC_MMIO_DFR, VAPIC_DFR_FLAT);
    apic_write(v, VAPIC_MMIO_LDR, 1u << (24 + v->index));
}

static void msr_write(struct vcpu *v, uint32_t msr, uint64_t value)
{
    struct device_access a = {
        .space = DEVICE_SPACE_MSR, .address = msr, .size = 8, .write = true, .value = value};
    cr_assert_eq(device_table_access(&partition.device_models, v, &a), DEVICE_DONE);
}

static int pending(struct vcpu *v)
{
    return vapic_pending(&v->arch.apic);
}

/* ---- ISA lines into both controllers -------------------------------------- */

/* dom0's 16550 raises IRQ 4: a guest that programmed the 8259 takes it
 * there, on vCPU 0, as today. */
Test(vplatform, irq4_through_the_8259)
{
    pic_write(0x20, 0x11); /* ICW1 */
    pic_write(0x21, 0x20); /* vectors 0x20-0x27 */
    pic_write(0x21, 0x04);
    pic_write(0x21, 0x01);
    pic_write(0x21, 0xef); /* only IRQ 4 unmasked */
    cr_assert(arch_partition_set_irq_line(&partition, 4, true));
    cr_assert(vpic_pending(&partition.arch.pic));
    cr_assert_eq(vpic_acknowledge(&partition.arch.pic), 0x24);
    cr_assert_eq(pending(&vcpus[0]), -1, "the masked I/O APIC pin sent nothing");
}

/* The same line reaches a guest that programmed the I/O APIC instead (the
 * 8259 all masked, as Linux leaves it). */
Test(vplatform, irq4_through_the_io_apic)
{
    for (unsigned i = 0; i < VCPUS; i++)
        enable_flat(&vcpus[i]);
    ioapic_write(0x10 + 2 * 4 + 1, 0x02u << 24); /* logical: vCPU 1 */
    ioapic_write(0x10 + 2 * 4, VIOAPIC_LOGICAL | 0x34);
    cr_assert_not(arch_partition_set_irq_line(&partition, 4, true), "8259 masked");
    cr_assert_eq(pending(&vcpus[1]), 0x34);
    cr_assert_eq(pending(&vcpus[0]), -1);
    cr_assert_eq(kicks[1], 1);
}

Test(vplatform, isa_irq0_is_pin_2_and_irq2_no_pin)
{
    enable_flat(&vcpus[0]);
    ioapic_write(0x10 + 2 * 2, 0x30);
    ioapic_write(0x10 + 2 * 0, 0x31);
    arch_partition_set_irq_line(&partition, 0, true);
    cr_assert_eq(pending(&vcpus[0]), 0x30);
    vapic_deliver(&vcpus[0].arch.apic, 0x30);
    arch_partition_set_irq_line(&partition, 2, true);
    cr_assert_eq(pending(&vcpus[0]), -1, "pin 2 saw no second edge, pin 0 none at all");
}

Test(vplatform, pci_pins_reach_only_the_io_apic)
{
    enable_flat(&vcpus[2]);
    ioapic_write(0x10 + 2 * 20 + 1, 2u << 24);
    ioapic_write(0x10 + 2 * 20, 0x50); /* physical: vCPU 2 */
    cr_assert_not(arch_partition_set_irq_line(&partition, 20, true));
    cr_assert_eq(pending(&vcpus[2]), 0x50);
}

/* A level line: the EOI the guest writes to its local APIC reaches the
 * I/O APIC, which sends again while the line stays asserted. */
Test(vplatform, level_line_eoi_through_the_xapic_page)
{
    enable_flat(&vcpus[0]);
    ioapic_write(0x10 + 2 * 9, VIOAPIC_LEVEL | 0x39); /* physical: vCPU 0 */
    arch_partition_set_irq_line(&partition, 9, true);
    cr_assert_eq(pending(&vcpus[0]), 0x39);
    vapic_deliver(&vcpus[0].arch.apic, 0x39);
    apic_write(&vcpus[0], VAPIC_MMIO_EOI, 0);
    cr_assert_eq(pending(&vcpus[0]), 0x39, "asserted still: sent again");
    vapic_deliver(&vcpus[0].arch.apic, 0x39);
    arch_partition_set_irq_line(&partition, 9, false);
    apic_write(&vcpus[0], VAPIC_MMIO_EOI, 0);
    cr_assert_eq(pending(&vcpus[0]), -1);
}

/* ---- MSI ------------------------------------------------------------------ */

Test(vplatform, msi_to_a_vcpu_and_a_refused_one)
{
    enable_flat(&vcpus[2]);
    cr_assert(arch_partition_send_msi(&partition, 0xfee02000, 0x61));
    cr_assert_eq(pending(&vcpus[2]), 0x61);
    cr_assert_not(arch_partition_send_msi(&partition, 0xfec00000, 0x61));
    cr_assert(arch_partition_send_msi(&partition, 0xfee07000, 0x62), "names no vCPU");
    cr_assert_eq(partition.dropped_ipis, 1);
}

/* ---- the xAPIC page and IPIs ------------------------------------------------ */

Test(vplatform, xapic_page_answers_per_vcpu)
{
    cr_assert_eq(apic_read(&vcpus[2], VAPIC_MMIO_ID), 2u << 24);
    cr_assert_eq(apic_read(&vcpus[0], VAPIC_MMIO_ID), 0);
}

Test(vplatform, xapic_page_is_gone_in_x2apic_mode)
{
    cr_assert(vapic_write_apic_base(&vcpus[1].arch.apic, &vcpus[1].arch.apic_base,
                                    vcpus[1].arch.apic_base | APIC_BASE_X2APIC));
    cr_assert_eq(apic_read(&vcpus[1], VAPIC_MMIO_ID), 0xffffffff);
}

Test(vplatform, logical_flat_ipi_to_two_vcpus)
{
    for (unsigned i = 0; i < VCPUS; i++)
        enable_flat(&vcpus[i]);
    apic_write(&vcpus[0], VAPIC_MMIO_ICR_HIGH, 0x06u << 24);
    apic_write(&vcpus[0], VAPIC_MMIO_ICR_LOW, (1u << 11) | 0x4000 | 0xfd);
    cr_assert_eq(pending(&vcpus[1]), 0xfd);
    cr_assert_eq(pending(&vcpus[2]), 0xfd);
    cr_assert_eq(pending(&vcpus[0]), -1);
}

Test(vplatform, lowest_priority_goes_to_one)
{
    for (unsigned i = 0; i < VCPUS; i++)
        enable_flat(&vcpus[i]);
    apic_write(&vcpus[0], VAPIC_MMIO_ICR_HIGH, 0x06u << 24);
    apic_write(&vcpus[0], VAPIC_MMIO_ICR_LOW, (1u << 11) | 0x4000 | 0x100 | 0xfc);
    cr_assert_eq(pending(&vcpus[1]) + pending(&vcpus[2]), 0xfc - 1, "one of them");
}

Test(vplatform, init_and_sipi_through_the_xapic_page)
{
    vcpus[1].state = VCPU_WAIT_SIPI;
    apic_write(&vcpus[0], VAPIC_MMIO_ICR_HIGH, 1u << 24);
    apic_write(&vcpus[0], VAPIC_MMIO_ICR_LOW, 0xc500); /* INIT, level, assert */
    cr_assert(arch_vcpu_take_reset(&vcpus[1]));
    cr_assert_not(arch_vcpu_take_reset(&vcpus[2]));
    apic_write(&vcpus[0], VAPIC_MMIO_ICR_LOW, 0x0600 | 0x9a); /* start-up */
    cr_assert(arch_vcpu_start_requested(&vcpus[1]));
    cr_assert_eq(vcpus[1].arch.sipi_vector, 0x9a);
    cr_assert_not(arch_vcpu_start_requested(&vcpus[2]));
}

Test(vplatform, nmi_to_all_but_self)
{
    apic_write(&vcpus[1], VAPIC_MMIO_ICR_LOW, (3u << 18) | 0x400);
    cr_assert_eq(vcpus[0].arch.nmis_pending, 1);
    cr_assert_eq(vcpus[2].arch.nmis_pending, 1);
    cr_assert_eq(vcpus[1].arch.nmis_pending, 0);
}

Test(vplatform, x2apic_msr_ipi_and_eoi)
{
    uint64_t base = vcpus[0].arch.apic_base | APIC_BASE_X2APIC;
    for (unsigned i = 0; i < VCPUS; i++) {
        cr_assert(vapic_write_apic_base(&vcpus[i].arch.apic, &vcpus[i].arch.apic_base,
                                        (base & ~0x100ull) | (vcpus[i].arch.apic_base & 0x100)));
        msr_write(&vcpus[i], VAPIC_MSR_SVR, VAPIC_SVR_ENABLE | 0xff);
    }
    msr_write(&vcpus[0], VAPIC_MSR_ICR, (2ull << 32) | 0x4000 | 0x55);
    cr_assert_eq(pending(&vcpus[2]), 0x55);
    ioapic_write(0x10 + 2 * 5 + 1, 2u << 24);
    ioapic_write(0x10 + 2 * 5, VIOAPIC_LEVEL | 0x56);
    arch_partition_set_irq_line(&partition, 5, true);
    vapic_deliver(&vcpus[2].arch.apic, 0x56);
    arch_partition_set_irq_line(&partition, 5, false);
    msr_write(&vcpus[2], VAPIC_MSR_EOI, 0);
    uint32_t remote_irr = (uint32_t)(partition.arch.ioapic.redirection[5] & VIOAPIC_REMOTE_IRR);
    cr_assert_eq(remote_irr, 0, "the x2APIC's EOI reached the I/O APIC");
}

/* ---- MTRRs and the keyboard controller's reset line ------------------------ */

static enum device_result msr_access(struct vcpu *v, uint32_t msr, bool write, uint64_t *value)
{
    struct device_access a = {
        .space = DEVICE_SPACE_MSR, .address = msr, .size = 8, .write = write, .value = *value};
    enum device_result result = device_table_access(&partition.device_models, v, &a);

    *value = a.value;
    return result;
}

/* Each vCPU has its own, as each CPU does; PAT and the MSRs between the
 * MTRRs are left to the feature table. */
Test(vplatform, mtrrs_are_per_vcpu_and_emulated)
{
    uint64_t value = 0x806;

    cr_assert_eq(msr_access(&vcpus[1], 0x2ff, true, &value), DEVICE_DONE);
    cr_assert_eq(msr_access(&vcpus[1], 0x2ff, false, &value), DEVICE_DONE);
    cr_assert_eq(value, 0x806);
    cr_assert_eq(msr_access(&vcpus[0], 0x2ff, false, &value), DEVICE_DONE);
    cr_assert_eq(value, 0xc06, "vCPU 0 keeps the firmware's");
    value = 0xc02;
    cr_assert_eq(msr_access(&vcpus[0], 0x2ff, true, &value), DEVICE_REFUSED, "type 2: #GP");
    cr_assert_eq(msr_access(&vcpus[0], 0xfe, false, &value), DEVICE_DONE);
    cr_assert_eq(value, VMTRR_CAP);
    cr_assert_eq(msr_access(&vcpus[0], 0x277, false, &value), DEVICE_NO_MODEL);
    cr_assert_eq(msr_access(&vcpus[0], 0x210, false, &value), DEVICE_NO_MODEL);
}

static enum device_result port_access(uint16_t port, bool write, uint8_t *value)
{
    struct device_access a = {
        .space = DEVICE_SPACE_PORT, .address = port, .size = 1, .write = write, .value = *value};
    enum device_result result = device_table_access(&partition.device_models, &vcpus[0], &a);

    *value = (uint8_t)a.value;
    return result;
}

Test(vplatform, keyboard_controller_resets_the_partition)
{
    uint8_t value = 0xff;

    cr_assert_eq(port_access(0x64, false, &value), DEVICE_DONE);
    cr_assert_eq(value, 0, "nothing to read, ready for a write");
    value = 0xae;
    cr_assert_eq(port_access(0x64, true, &value), DEVICE_DONE);
    cr_assert_eq(guest_resets, 0);
    value = 0xfe;
    cr_assert_eq(port_access(0x64, true, &value), DEVICE_STOP_VCPU);
    cr_assert_eq(guest_resets, 1);
}

static void register_again(void)
{
    device_table_clear(&partition.device_models);
    cr_assert(arch_partition_register_platform(&partition));
}

/* An owned controller or dom0's model at its ports is left the ports. */
Test(vplatform, keyboard_controller_gives_way_to_a_given_one)
{
    uint8_t value = 0xfe;

    config.device_count = 1;
    config.devices[0].kind = CONFIG_DEVICE_KEYBOARD;
    register_again();
    cr_assert_eq(device_table_find(&partition.device_models, DEVICE_SPACE_PORT, 0x64, 1)->model,
                 &device_bare_metal);
    config.device_count = 0;
    config.emulated_count = 1;
    config.emulated[0] =
        (struct config_emulated){.space = CONFIG_EMULATED_PORTS, .base = 0x60, .length = 8};
    register_again();
    cr_assert_eq(device_table_find(&partition.device_models, DEVICE_SPACE_PORT, 0x60, 1)->model,
                 &device_bare_metal);
    cr_assert_eq(device_table_find(&partition.device_models, DEVICE_SPACE_PORT, 0x64, 1)->model,
                 &device_bare_metal);
    cr_assert_eq(port_access(0x64, true, &value), DEVICE_DONE);
    cr_assert_eq(guest_resets, 0);
}
