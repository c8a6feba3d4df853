/* What a partition's vCPUs reach through exits: its console and exit ports,
 * the hypervisor CPUID leaves (pv only), its time limit. */
#include "arch/x86_64/vcpu_run.h"
#include "hv/arch.h"
#include "hv/guest_abi.h"
#include "hv/log.h"
#include "hv/partition.h"

#define CPUID_SIGNATURE_LEAF 0x40000000u
#define CPUID_VERSION_LEAF   0x40000001u
#define DEBUGCON_READBACK    0xe9 /* what Bochs and QEMU answer, so guests can probe it */

const char *partition_name(const struct partition *partition)
{
    return partition->config->name;
}

bool partition_is_pv(const struct partition *partition)
{
    return partition->config->mode == CONFIG_MODE_PV;
}

/* "BulkheadHV\0\0" in EBX, ECX, EDX, as KVM and Xen sign their leaves. */
struct cpuid_regs partition_cpuid_leaf(uint32_t leaf)
{
    if (leaf == CPUID_SIGNATURE_LEAF)
        return (struct cpuid_regs){CPUID_VERSION_LEAF, 0x6b6c7542, 0x64616568, 0x00005648};
    return (struct cpuid_regs){0, 0, 0, 0};
}

int partition_time_limit_check(struct vcpu *vcpu)
{
    struct partition *p = vcpu->partition;
    uint64_t now = arch_read_tsc();

    if (!p->deadline_tsc)
        return 1;
    if (now >= p->deadline_tsc) {
        p->stop_cause = "time limit reached";
        vcpu->state = VCPU_STOPPED;
        return 0;
    }
    vcpu_set_preemption_timer(p->deadline_tsc - now);
    return 1;
}

static void console_flush(struct partition *p)
{
    p->console_line[p->console_len] = '\0';
    log_line("[%s] %s", p->config->name, p->console_line);
    p->console_len = 0;
}

/* Lines, not bytes, reach the log, so partitions never interleave within
 * one; unprintable bytes are shown as '?'. */
static void console_byte(struct partition *p, uint8_t byte)
{
    spin_lock(&p->console_lock);
    if (byte == '\n' || p->console_len == PARTITION_CONSOLE_LINE)
        console_flush(p);
    if (byte != '\n' && byte != '\r')
        p->console_line[p->console_len++] = (byte >= 0x20 && byte < 0x7f) ? (char)byte : '?';
    spin_unlock(&p->console_lock);
}

bool partition_port_access(struct vcpu *vcpu, uint16_t port, unsigned size, bool out,
                           uint32_t *value)
{
    struct partition *p = vcpu->partition;
    uint32_t all_ones = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;

    if (port == GUEST_CONSOLE_PORT && p->config->console == CONFIG_CONSOLE_DEBUGCON) {
        if (out)
            console_byte(p, (uint8_t)*value);
        else
            *value = DEBUGCON_READBACK;
        return true;
    }
    if (port == GUEST_EXIT_PORT && out) {
        p->exit_status = *value;
        p->has_exit_status = true;
        p->stop_cause = "exit port";
        vcpu->state = VCPU_STOPPED;
        return false;
    }
    /* Nobody owns this port: the bare-metal answer, and a count. */
    p->unowned_port_accesses++;
    if (!out)
        *value = all_ones;
    return true;
}
