#include "guests/lib/hypercall.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/vmx_ops.h"
#include "guests/lib/paging.h"
#include "include/bulkhead/guest_abi.h"
#include "lib/string.h"

int64_t hypercall(uint64_t number, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
    return vmx_call(number, a1, a2, a3, a4, 0, 0);
}

bool hc_present(void)
{
    struct cpuid_regs signature = cpu_cpuid(HC_CPUID_SIGNATURE, 0);
    char vendor[12];

    memcpy(vendor, &signature.ebx, 4);
    memcpy(vendor + 4, &signature.ecx, 4);
    memcpy(vendor + 8, &signature.edx, 4);
    if (signature.eax < HC_CPUID_VERSION || memcmp(vendor, "BulkheadHV\0\0", 12) != 0)
        return false;
    return cpu_cpuid(HC_CPUID_VERSION, 0).eax >> 16 == HC_ABI_VERSION >> 16;
}

int64_t hc_null(void)
{
    return hypercall(HC_NULL, 0, 0, 0, 0);
}

int64_t hc_version(void)
{
    return hypercall(HC_VERSION, 0, 0, 0, 0);
}

int64_t hc_console_write(const char *text, size_t length)
{
    return hypercall(HC_CONSOLE_WRITE, (uint64_t)text, length, 0, 0);
}

int64_t hc_yield(void)
{
    return hypercall(HC_YIELD, 0, 0, 0, 0);
}

int64_t hc_block(uint64_t tsc_deadline)
{
    return hypercall(HC_BLOCK, tsc_deadline, 0, 0, 0);
}

int64_t hc_self_info(struct hc_self_info *info)
{
    return hypercall(HC_SELF_INFO, (uint64_t)info, 0, 0, 0);
}

int64_t hc_event_bind(uint8_t vector, uint32_t peer_id)
{
    return hypercall(HC_EVENT_BIND, vector, peer_id, 0, 0);
}

int64_t hc_event_connect(uint32_t peer_id, uint32_t peer_port)
{
    return hypercall(HC_EVENT_CONNECT, peer_id, peer_port, 0, 0);
}

int64_t hc_event_send(uint32_t port)
{
    return hypercall(HC_EVENT_SEND, port, 0, 0, 0);
}

int64_t hc_event_unbind(uint32_t port)
{
    return hypercall(HC_EVENT_UNBIND, port, 0, 0, 0);
}

int64_t hc_event_mask(uint32_t port)
{
    return hypercall(HC_EVENT_MASK, port, 0, 0, 0);
}

int64_t hc_event_unmask(uint32_t port)
{
    return hypercall(HC_EVENT_UNMASK, port, 0, 0, 0);
}

int64_t hc_grant_create(uint32_t grantee_id, const void *first_page, uint64_t pages, uint64_t flags)
{
    return hypercall(HC_GRANT_CREATE, grantee_id, (uint64_t)first_page, pages, flags);
}

int64_t hc_grant_map(uint32_t granter_id, uint32_t ref, uint64_t address)
{
    return hypercall(HC_GRANT_MAP, granter_id, ref, address, 0);
}

int64_t hc_grant_unmap(uint32_t granter_id, uint32_t ref)
{
    return hypercall(HC_GRANT_UNMAP, granter_id, ref, 0, 0);
}

int64_t hc_grant_revoke(uint32_t ref)
{
    return hypercall(HC_GRANT_REVOKE, ref, 0, 0, 0);
}

int64_t hc_timer_set(uint64_t tsc_deadline, uint32_t port)
{
    return hypercall(HC_TIMER_SET, tsc_deadline, port, 0, 0);
}

int64_t hc_partition_list(struct hc_partition_entry *entries, uint64_t count)
{
    return hypercall(HC_PARTITION_LIST, (uint64_t)entries, count, 0, 0);
}

int64_t hc_partition_stop(uint32_t id)
{
    return hypercall(HC_PARTITION_STOP, id, 0, 0, 0);
}

int64_t hc_partition_start(uint32_t id)
{
    return hypercall(HC_PARTITION_START, id, 0, 0, 0);
}

int64_t hc_partition_restart(uint32_t id)
{
    return hypercall(HC_PARTITION_RESTART, id, 0, 0, 0);
}

int64_t hc_partition_shutdown(uint32_t id)
{
    return hypercall(HC_PARTITION_SHUTDOWN, id, 0, 0, 0);
}

int64_t hc_partition_destroy(uint32_t id)
{
    return hypercall(HC_PARTITION_DESTROY, id, 0, 0, 0);
}

int64_t hc_irq_line(uint32_t id, unsigned line, bool high)
{
    return hypercall(HC_IRQ_LINE, id, line, high, 0);
}

int64_t hc_console_write_for(uint32_t id, const char *text, size_t length)
{
    return hypercall(HC_CONSOLE_WRITE_FOR, id, (uint64_t)text, length, 0);
}

int64_t hc_log_read(char *buffer, uint64_t length, uint64_t cursor, struct hc_log_span *span)
{
    return hypercall(HC_LOG_READ, (uint64_t)buffer, length, cursor, (uint64_t)span);
}

int64_t hc_console_take(uint16_t serial_port)
{
    return hypercall(HC_CONSOLE_TAKE, serial_port, 0, 0, 0);
}

int64_t hc_device_irq_bind(unsigned irq, uint8_t vector)
{
    return hypercall(HC_DEVICE_IRQ_BIND, irq, vector, 0, 0);
}

int64_t hc_device_irq_unmask(unsigned irq)
{
    return hypercall(HC_DEVICE_IRQ_UNMASK, irq, 0, 0, 0);
}

int64_t hc_machine_control(enum hc_machine_action action)
{
    return hypercall(HC_MACHINE_CONTROL, action, 0, 0, 0);
}

uint64_t hc_grant_window(uint64_t memory_bytes)
{
    const uint64_t page_size = 4096;
    uint64_t address = (memory_bytes + page_size - 1) & ~(page_size - 1);

    if (address >= GUEST_IDENTITY_MAP_SIZE && !map_identity_2m(address))
        return 0;
    return address;
}

int64_t hc_grant_map_retrying(uint32_t granter_id, uint32_t ref, uint64_t address,
                              unsigned attempts)
{
    int64_t result = hc_grant_map(granter_id, ref, address);

    for (unsigned i = 1; i < attempts && result < 0; i++) {
        hc_block(cpu_rdtsc_ordered() + HC_RETRY_PAUSE_TICKS);
        cpu_interrupt_window(); /* or a pending event cuts every pause short */
        result = hc_grant_map(granter_id, ref, address);
    }
    return result;
}

const char *hc_error_name(int64_t result)
{
    static const char *const names[] = {
        [-HC_EINVAL] = "HC_EINVAL", [-HC_EFAULT] = "HC_EFAULT", [-HC_EPERM] = "HC_EPERM",
        [-HC_ENOENT] = "HC_ENOENT", [-HC_ENOSPC] = "HC_ENOSPC", [-HC_EBUSY] = "HC_EBUSY",
        [-HC_ENOSYS] = "HC_ENOSYS",
    };
    const int64_t known = (int64_t)(sizeof(names) / sizeof(names[0]));

    if (result >= 0)
        return "ok";
    if (result > -known)
        return names[-result];
    return "unknown error";
}

int64_t hc_ioreq_server(struct hc_ioreq_page *page)
{
    return hypercall(HC_IOREQ_SERVER, (uint64_t)page, 0, 0, 0);
}

int64_t hc_ioreq_claim(uint16_t first_port, uint32_t count, uint32_t flags)
{
    return hypercall(HC_IOREQ_CLAIM, first_port, count, flags, 0);
}

int64_t hc_ioreq_claim_mmio(uint64_t base, uint64_t length, uint32_t flags)
{
    return hypercall(HC_IOREQ_CLAIM_MMIO, base, length, flags, 0);
}

int64_t hc_ioreq_complete(uint32_t slot, uint32_t value, uint64_t sequence)
{
    return hypercall(HC_IOREQ_COMPLETE, slot, value, sequence, 0);
}

int64_t hc_ioreq_copy(uint32_t partition_id, uint64_t address, void *buffer, uint64_t length,
                      uint32_t flags)
{
    return vmx_call(HC_IOREQ_COPY, partition_id, address, (uint64_t)buffer, length, flags, 0);
}

int64_t hc_console_server(uint64_t window, uint32_t port)
{
    return hypercall(HC_CONSOLE_SERVER, window, port, 0, 0);
}

int64_t hc_console_release(uint32_t id)
{
    return hypercall(HC_CONSOLE_RELEASE, id, 0, 0, 0);
}

int64_t hc_irq_msi(uint32_t id, uint32_t address, uint32_t data)
{
    return hypercall(HC_IRQ_MSI, id, address, data, 0);
}
