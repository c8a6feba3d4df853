#include "arch/x86_64/vplatform/legacy.h"

#include "arch/x86_64/vplatform/vclock.h"
#include "arch/x86_64/vplatform/vpci_host.h"
#include "drivers/pci.h"
#include "hv/arch.h"
#include "hv/partition.h"
#include "lib/pc_layout.h"

#define PIT_IRQ 0
#define RTC_IRQ 8

static struct vlegacy *legacy_of(struct vcpu *v)
{
    return &v->partition->arch.legacy;
}

static uint64_t ticks_now(const struct vlegacy *l)
{
    return vclock_ticks(arch_read_tsc(), l->origin, partition_tsc_hz());
}

/* The machine's clock, or a fixed date when the firmware gave none. */
static int64_t first_time_of_day(void)
{
    int64_t seconds = partition_time_of_day();

    return seconds ? seconds : VLEGACY_RTC_EPOCH;
}

void vlegacy_reset(struct partition *p)
{
    struct vlegacy *l = &p->arch.legacy;

    /* The clock and its CMOS RAM run on a battery: a restarted partition
     * finds the time going on and what its last run stored, as a PC does. */
    int64_t seconds = l->rtc_running ? vrtc_seconds(&l->rtc, ticks_now(l)) : first_time_of_day();

    l->lock = (struct spinlock){0};
    l->origin = arch_read_tsc();
    vpit_reset(&l->pit);
    if (l->rtc_running)
        vrtc_machine_reset(&l->rtc, seconds);
    else
        vrtc_reset(&l->rtc, seconds, p->ram_size);
    l->rtc_running = true;
    vsystem_ports_reset(&l->ports);
    vkbc_reset(&l->kbc);
}

/* ---- port models ---------------------------------------------------------- */

typedef uint8_t (*port_read_fn)(struct vlegacy *l, uint16_t port, uint64_t now);
typedef void (*port_write_fn)(struct vlegacy *l, uint16_t port, uint8_t value, uint64_t now);

/* A wider access reaches the next ports byte by byte, as on the ISA bus;
 * each byte goes to the model that owns its port, under the one lock. */
static enum device_result byte_access(struct vcpu *v, struct device_access *a, port_read_fn read,
                                      port_write_fn write)
{
    struct vlegacy *l = legacy_of(v);
    uint64_t now = ticks_now(l);
    uint32_t value = 0;

    spin_lock(&l->lock);
    for (unsigned i = 0; i < a->size; i++) {
        uint16_t port = (uint16_t)(a->address + i);
        if (a->write)
            write(l, port, (uint8_t)(a->value >> (8 * i)), now);
        else
            value |= (uint32_t)read(l, port, now) << (8 * i);
    }
    spin_unlock(&l->lock);
    if (a->write)
        vcpu_note_work(v); /* a new count or rate moves vCPU 0's deadline */
    else
        a->value = value;
    return DEVICE_DONE;
}

static uint8_t pit_read(struct vlegacy *l, uint16_t port, uint64_t now)
{
    return port == VPIT_PORT_B ? vpit_read_port_b(&l->pit, now) : vpit_read(&l->pit, port, now);
}

static void pit_write(struct vlegacy *l, uint16_t port, uint8_t value, uint64_t now)
{
    if (port == VPIT_PORT_B)
        vpit_write_port_b(&l->pit, value, now);
    else
        vpit_write(&l->pit, port, value, now);
}

static enum device_result pit_access(struct vcpu *v, void *state, struct device_access *a)
{
    (void)state;
    return byte_access(v, a, pit_read, pit_write);
}

static uint8_t rtc_read(struct vlegacy *l, uint16_t port, uint64_t now)
{
    return vrtc_read(&l->rtc, port, now);
}

static void rtc_write(struct vlegacy *l, uint16_t port, uint8_t value, uint64_t now)
{
    vrtc_write(&l->rtc, port, value, now);
}

static enum device_result rtc_access(struct vcpu *v, void *state, struct device_access *a)
{
    (void)state;
    return byte_access(v, a, rtc_read, rtc_write);
}

static uint8_t system_read(struct vlegacy *l, uint16_t port, uint64_t now)
{
    (void)now;
    return vsystem_ports_read(&l->ports, port);
}

static void system_write(struct vlegacy *l, uint16_t port, uint8_t value, uint64_t now)
{
    (void)now;
    vsystem_ports_write(&l->ports, port, value);
}

static enum device_result system_access(struct vcpu *v, void *state, struct device_access *a)
{
    (void)state;
    return byte_access(v, a, system_read, system_write);
}

/* One byte; the ports beside 0x60 and 0x64 are other devices' (or none). */
static enum device_result kbc_access(struct vcpu *v, void *state, struct device_access *a)
{
    struct vlegacy *l = legacy_of(v);
    uint16_t port = (uint16_t)a->address;
    bool reset;

    (void)state;
    if (!a->write) {
        a->value = (device_all_ones(a->size) & ~0xffull) | vkbc_read(port);
        return DEVICE_DONE;
    }
    spin_lock(&l->lock);
    reset = vkbc_write(&l->kbc, port, (uint8_t)a->value);
    spin_unlock(&l->lock);
    return reset ? partition_guest_reset(v) : DEVICE_DONE;
}

static const struct device_model pit_model = {"8254 PIT", pit_access};
static const struct device_model rtc_model = {"RTC/CMOS", rtc_access};
static const struct device_model system_model = {"POST and A20 ports", system_access};
static const struct device_model kbc_model = {"keyboard controller (reset line)", kbc_access};

/* ---- PCI ------------------------------------------------------------------ */

static enum device_result host_bridge_access(struct vcpu *v, void *state, struct device_access *a)
{
    (void)v;
    (void)state;
    if (!a->write)
        a->value = vpci_host_bridge_read((unsigned)a->address & 0xff, a->size);
    return DEVICE_DONE;
}

/* An ECAM access is the configuration cycle of the function it names,
 * routed through the same table as one through ports 0xcf8/0xcfc. */
static enum device_result ecam_access(struct vcpu *v, void *state, struct device_access *a)
{
    struct device_access cycle = *a;

    (void)state;
    if (a->size > 4 || !vpci_ecam_address(a->address - PC_ECAM_BASE, &cycle.address)) {
        if (!a->write)
            a->value = device_all_ones(a->size);
        return DEVICE_DONE;
    }
    cycle.space = DEVICE_SPACE_PCI;
    enum device_result result = device_table_access(&v->partition->device_models, v, &cycle);
    a->value = cycle.value;
    return result;
}

static const struct device_model host_bridge_model = {"PCI host bridge", host_bridge_access};
static const struct device_model ecam_model = {"PCI ECAM window", ecam_access};

/* ---- registration and time ------------------------------------------------ */

static bool claim(struct partition *p, enum device_space space, uint64_t first, uint64_t count,
                  const struct device_model *model)
{
    return device_table_claim(&p->device_models, space, first, count, model, 0);
}

static bool names_port(const struct config_emulated *e, uint16_t port)
{
    return e->space == CONFIG_EMULATED_PORTS && port >= e->base && port - e->base < e->length;
}

/* A partition that owns the real controller, or reaches one of dom0's at
 * its ports, has that one there instead. */
static bool keyboard_given(const struct config_partition *c)
{
    for (unsigned i = 0; i < c->device_count; i++) {
        if (c->devices[i].kind == CONFIG_DEVICE_KEYBOARD)
            return true;
    }
    for (unsigned i = 0; i < c->emulated_count; i++) {
        if (names_port(&c->emulated[i], I8042_DATA_PORT) ||
            names_port(&c->emulated[i], I8042_COMMAND_PORT))
            return true;
    }
    return false;
}

static bool register_kbc(struct partition *p)
{
    if (keyboard_given(p->config))
        return true;
    return claim(p, DEVICE_SPACE_PORT, I8042_DATA_PORT, 1, &kbc_model) &&
           claim(p, DEVICE_SPACE_PORT, I8042_COMMAND_PORT, 1, &kbc_model);
}

/* 0xcf9 (the reset register) is left out of the configuration ports. */
bool vlegacy_register(struct partition *p)
{
    bool fits = register_kbc(p);

    fits &= claim(p, DEVICE_SPACE_PORT, VPIT_CHANNEL0_PORT, VPIT_PORTS, &pit_model);
    fits &= claim(p, DEVICE_SPACE_PORT, VPIT_PORT_B, 1, &pit_model);
    fits &= claim(p, DEVICE_SPACE_PORT, VRTC_INDEX_PORT, VRTC_PORTS, &rtc_model);
    fits &= claim(p, DEVICE_SPACE_PORT, VSYSTEM_POST_PORT, 1, &system_model);
    fits &= claim(p, DEVICE_SPACE_PORT, VSYSTEM_PORT_A, 1, &system_model);
    fits &= claim(p, DEVICE_SPACE_PORT, PCI_CONFIG_ADDRESS_PORT, 1, &partition_pci_config_model);
    fits &= claim(p, DEVICE_SPACE_PORT, PCI_CONFIG_DATA_PORT, 4, &partition_pci_config_model);
    fits &= claim(p, DEVICE_SPACE_PCI, DEVICE_PCI_ADDRESS(0, 0, 0, 0), DEVICE_PCI_CONFIG_SIZE,
                  &host_bridge_model);
    fits &= claim(p, DEVICE_SPACE_MMIO, PC_ECAM_BASE, PC_ECAM_SIZE, &ecam_model);
    return fits;
}

static uint64_t earlier(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

uint64_t vlegacy_deadline(struct partition *p)
{
    struct vlegacy *l = &p->arch.legacy;

    spin_lock(&l->lock);
    uint64_t tick = earlier(vpit_irq_deadline(&l->pit), vrtc_irq_deadline(&l->rtc));
    spin_unlock(&l->lock);
    return tick == UINT64_MAX ? 0 : vclock_tsc(tick, l->origin, partition_tsc_hz());
}

/* Edge-triggered lines: a pulse is one interrupt. */
static void pulse(struct partition *p, unsigned line)
{
    partition_set_irq_line(p, line, true);
    partition_set_irq_line(p, line, false);
}

void vlegacy_tick(struct partition *p, uint64_t now)
{
    struct vlegacy *l = &p->arch.legacy;
    uint64_t ticks = vclock_ticks(now, l->origin, partition_tsc_hz());

    spin_lock(&l->lock);
    bool pit = vpit_irq_take(&l->pit, ticks);
    bool rtc = vrtc_irq_take(&l->rtc, ticks);
    spin_unlock(&l->lock);
    if (pit)
        pulse(p, PIT_IRQ);
    if (rtc)
        pulse(p, RTC_IRQ);
}
