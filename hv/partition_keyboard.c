/*
 * The PS/2 controller a partition owns (config `devices = keyboard`): its
 * two ports trap, and every access reaches the controller as it is, except
 * the writes drivers/i8042.c's filter refuses (a pulse of the reset line,
 * the output-port write that drives reset and A20). Those are counted and
 * logged, and the partition goes on as if the controller had taken them.
 */
#include "drivers/i8042.h"
#include "hv/log.h"
#include "hv/partition.h"

static void refuse(struct partition *p, struct device_access *a, enum i8042_verdict verdict)
{
    uint64_t refused = __atomic_add_fetch(&p->keyboard_refused, 1, __ATOMIC_RELAXED);

    log_line("partition %s: keyboard: refused 0x%02x on port 0x%x (%s), %llu so far",
             partition_name(p), (unsigned)(a->value & 0xff), (unsigned)a->address,
             i8042_verdict_text(verdict), (unsigned long long)refused);
}

/* The claims are one port wide, so an access here is one byte (a wider
 * one finds no claim and gets the bare-metal answer). */
static enum device_result keyboard_access(struct vcpu *vcpu, void *state, struct device_access *a)
{
    struct partition *p = vcpu->partition;
    uint16_t port = (uint16_t)a->address;

    (void)state;
    if (!a->write) {
        a->value = i8042_read(port);
        return DEVICE_DONE;
    }
    enum i8042_verdict verdict = i8042_filter_write(&p->keyboard_filter, port, (uint8_t)a->value);
    if (verdict == I8042_PASS)
        i8042_write(port, (uint8_t)a->value);
    else
        refuse(p, a, verdict);
    return DEVICE_DONE;
}

const struct device_model partition_keyboard_model = {"PS/2 controller", keyboard_access};
