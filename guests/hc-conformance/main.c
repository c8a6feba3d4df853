/*
 * The hypercall conformance test (see conformance.h): this file checks
 * discovery, the calls without side effects, buffers at and past the edges
 * of RAM, unknown call numbers and the privileged calls; the other files
 * events and the timer, grants, and VMCALL from ring 3.
 */
#include "guests/hc-conformance/conformance.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"
#include "lib/string.h"

static void check_discovery(void)
{
    uint32_t features = cpu_cpuid(HC_CPUID_VERSION, 0).ebx;
    uint32_t expected = HC_FEATURE_EVENTS | HC_FEATURE_GRANTS | HC_FEATURE_TIMER;

    EXPECT_TRUE(hc_present());
    EXPECT_EQ(cpu_cpuid(HC_CPUID_VERSION, 0).eax, HC_ABI_VERSION);
    EXPECT_EQ(features & expected, expected);
    EXPECT_EQ(hc_version(), HC_ABI_VERSION);
    EXPECT_EQ(hc_null(), 0);
    EXPECT_EQ(hc_yield(), 0);
}

static void check_self_info(const struct bulkhead_boot_info *info)
{
    struct hc_self_info self;

    memset(&self, 0xff, sizeof(self));
    EXPECT_EQ(hc_self_info(&self), 0);
    EXPECT_EQ(self.partition_id, info->partition_id);
    EXPECT_EQ(self.vcpu_index, 0);
    EXPECT_EQ(self.cpu_count, info->cpu_count);
    EXPECT_EQ(self.mode, GUEST_MODE_PV);
    EXPECT_EQ(self.memory_bytes, info->memory_bytes);
    EXPECT_EQ(strncmp(self.name, info->partition_name, HC_NAME_LEN), 0);
}

/* Guest-physical 0 is RAM like any other page: a buffer there is good. The
 * address goes through a volatile so the compiler does not treat the
 * pointer as NULL. */
static void check_self_info_at_zero(const struct bulkhead_boot_info *info)
{
    volatile uintptr_t zero = 0;
    const volatile struct hc_self_info *at_zero = (const volatile struct hc_self_info *)zero;

    EXPECT_EQ(hypercall(HC_SELF_INFO, zero, 0, 0, 0), 0);
    EXPECT_EQ(at_zero->partition_id, info->partition_id);
}

static void check_self_info_buffers(uint64_t ram_end)
{
    const uint64_t size = sizeof(struct hc_self_info);

    EXPECT_EQ(hypercall(HC_SELF_INFO, ram_end - size, 0, 0, 0), 0);
    EXPECT_EQ(hypercall(HC_SELF_INFO, ram_end - size + 1, 0, 0, 0), HC_EFAULT);
    EXPECT_EQ(hypercall(HC_SELF_INFO, ram_end, 0, 0, 0), HC_EFAULT);
    EXPECT_EQ(hypercall(HC_SELF_INFO, 1ull << 40, 0, 0, 0), HC_EFAULT);
    EXPECT_EQ(hypercall(HC_SELF_INFO, UINT64_MAX - size / 2, 0, 0, 0), HC_EFAULT);
}

static void check_console_write(uint64_t ram_end)
{
    static const char line[] = "hc-conformance: console write through a hypercall\n";
    static char too_long[HC_CONSOLE_MAX + 1];

    EXPECT_EQ(hc_console_write(line, sizeof(line) - 1), sizeof(line) - 1);
    EXPECT_EQ(hc_console_write(line, 0), 0);
    EXPECT_EQ(hc_console_write(too_long, sizeof(too_long)), HC_EINVAL);
    EXPECT_EQ(hypercall(HC_CONSOLE_WRITE, (uint64_t)line, UINT64_MAX, 0, 0), HC_EINVAL);
    EXPECT_EQ(hypercall(HC_CONSOLE_WRITE, ram_end, 1, 0, 0), HC_EFAULT);
    EXPECT_EQ(hypercall(HC_CONSOLE_WRITE, ram_end - 4, 8, 0, 0), HC_EFAULT);
    EXPECT_EQ(hypercall(HC_CONSOLE_WRITE, UINT64_MAX - 4, 8, 0, 0), HC_EFAULT);
    /* Zero bytes may end at the end of RAM, but the pointer must still
     * point into it. */
    EXPECT_EQ(hypercall(HC_CONSOLE_WRITE, ram_end, 0, 0, 0), 0);
    EXPECT_EQ(hypercall(HC_CONSOLE_WRITE, UINT64_MAX, 0, 0, 0), HC_EFAULT);
}

static void check_unknown_calls(void)
{
    EXPECT_EQ(hypercall(HC_CALL_COUNT, 0, 0, 0, 0), HC_ENOSYS);
    EXPECT_EQ(hypercall(6, 0, 0, 0, 0), HC_ENOSYS); /* a gap in the numbering */
    EXPECT_EQ(hypercall(1000, 0, 0, 0, 0), HC_ENOSYS);
    EXPECT_EQ(hypercall(UINT64_MAX, 0, 0, 0, 0), HC_ENOSYS);
    EXPECT_EQ(hypercall(1ull << 32, 0, 0, 0, 0), HC_ENOSYS); /* HC_NULL in the low half */
}

/* A partition that does not exist: should a privilege check be missing, the
 * call fails for that reason instead of stopping someone. */
static void check_privileged_calls(void)
{
    static struct hc_partition_entry entries[4];
    static const char forged[] = "forged\n";

    EXPECT_EQ(hc_partition_list(entries, 4), HC_EPERM);
    EXPECT_EQ(hc_partition_stop(NO_SUCH_PARTITION), HC_EPERM);
    EXPECT_EQ(hc_partition_start(NO_SUCH_PARTITION), HC_EPERM);
    EXPECT_EQ(hc_partition_restart(NO_SUCH_PARTITION), HC_EPERM);
    EXPECT_EQ(hc_partition_destroy(NO_SUCH_PARTITION), HC_EPERM);
    EXPECT_EQ(hc_partition_shutdown(NO_SUCH_PARTITION), HC_EPERM);
    EXPECT_EQ(hc_irq_line(NO_SUCH_PARTITION, 4, true), HC_EPERM);
    EXPECT_EQ(hc_console_server(GUEST_IDENTITY_MAP_SIZE, 0), HC_EPERM);
    EXPECT_EQ(hc_console_release(NO_SUCH_PARTITION), HC_EPERM);
    /* Not even as the peer: its lines would carry its name. */
    EXPECT_EQ(hc_console_write_for(CONFORMANCE_PEER_ID, forged, 7), HC_EPERM);
}

/* Its console ring is in the boot info; with no backend in this scenario
 * it stays unconnected and the console port carries the output. */
static void check_console_ring(const struct bulkhead_boot_info *info)
{
    EXPECT_EQ(info->console_ring, GUEST_CONSOLE_RING_ADDRESS);
    EXPECT_EQ(info->console_ring_port, HC_EVENT_PORTS - 1);
    EXPECT_TRUE(!console_ring_connected());
}

/* The log and machine control are the privileged partition's too. An
 * unknown action, so that a missing privilege check cannot stop the
 * machine; bad pointers, so that the privilege is checked before them. */
static void check_privileged_log_and_machine(uint64_t ram_end)
{
    static char text[64];
    static struct hc_log_span span;

    EXPECT_EQ(hc_log_read(text, sizeof(text), 0, &span), HC_EPERM);
    EXPECT_EQ(hypercall(HC_LOG_READ, ram_end, 8, 0, 0), HC_EPERM);
    EXPECT_EQ(hypercall(HC_LOG_READ, UINT64_MAX - 4, 8, 0, UINT64_MAX), HC_EPERM);
    EXPECT_EQ(hc_machine_control(0), HC_EPERM);
    EXPECT_EQ(hypercall(HC_MACHINE_CONTROL, UINT64_MAX, 0, 0, 0), HC_EPERM);
}

int guest_main(const struct bulkhead_boot_info *info)
{
    if (!hc_present()) {
        printf("hc-conformance: FAIL no hypercall interface\n");
        return GUEST_STATUS_FAIL;
    }
    EXPECT_EQ(info->partition_id, CONFORMANCE_ID);
    check_discovery();
    check_self_info(info);
    check_self_info_at_zero(info);
    check_self_info_buffers(info->memory_bytes);
    check_console_write(info->memory_bytes);
    check_unknown_calls();
    check_privileged_calls();
    check_console_ring(info);
    check_privileged_log_and_machine(info->memory_bytes);
    check_events();
    check_timer();
    check_grants(info);
    check_user_mode_vmcall();
    printf("hc-conformance: done\n");
    return guest_exit_status();
}
