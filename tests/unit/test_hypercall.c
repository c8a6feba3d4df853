/*
 * The hypercall layer (hv/hypercall.c, event.c, grant.c, guest_memory.c,
 * partition_info.c) on the fake machine of tests/hypercall_world.h: three pv
 * partitions, id 1 privileged, 64 KiB of RAM each.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hv/console_server.h"
#include "include/bulkhead/guest_abi.h"
#include "tests/hypercall_world.h"

#define RAM   WORLD_RAM_SIZE
#define PAGE  WORLD_PAGE
#define DOM0  WORLD_DOM0
#define GUEST 2
#define OTHER 3

static void setup(void)
{
    world_reset();
}

TestSuite(hypercall, .init = setup);

/* Every test leaves the tables consistent and the fakes unoffended. */
static void expect_consistent_world(void)
{
    const char *problem = world_check();

    cr_assert_null(problem, "%s", problem);
}

#define HYPERCALL_TEST(name) WORLD_TEST(hypercall, name, expect_consistent_world())

static unsigned delivered(unsigned id, unsigned vcpu, unsigned vector)
{
    return world_record(id)->interrupts[vcpu][vector];
}

static int64_t bind(unsigned id, uint64_t vector, uint64_t peer)
{
    return world_call2(id, HC_EVENT_BIND, vector, peer);
}

static int64_t grant(unsigned granter, uint64_t grantee, uint64_t address, uint64_t pages,
                     uint64_t flags)
{
    return world_call4(granter, HC_GRANT_CREATE, grantee, address, pages, flags);
}

static int64_t map(unsigned grantee, uint64_t granter, uint64_t ref, uint64_t address)
{
    return world_call3(grantee, HC_GRANT_MAP, granter, ref, address);
}

/* A copy of every partition's RAM, to show that a call changed nothing. */
static uint8_t saved[WORLD_PARTITIONS][RAM];

static void save_ram(void)
{
    for (unsigned id = 1; id <= WORLD_PARTITIONS; id++)
        memcpy(saved[id - 1], world_ram(id), RAM);
}

static void assert_ram_unchanged(void)
{
    for (unsigned id = 1; id <= WORLD_PARTITIONS; id++)
        cr_assert(!memcmp(saved[id - 1], world_ram(id), RAM), "RAM of %u changed", id);
}

/* ---- plain calls ---------------------------------------------------------- */

HYPERCALL_TEST(null_and_version)
{
    cr_assert_eq(world_call0(GUEST, HC_NULL), 0);
    cr_assert_eq(world_call0(GUEST, HC_VERSION), HC_ABI_VERSION);
    cr_assert_eq(world_call0(GUEST, HC_YIELD), 0);
    cr_assert_eq(world_call1(GUEST, HC_BLOCK, 12345), 0);
}

HYPERCALL_TEST(unknown_numbers_give_enosys)
{
    static const uint64_t unknown[] = {6,  7,  8,  9,  16,    19,         24,        29,
                                       31, 39, 61, 64, 0x100, 1ull << 32, UINT64_MAX};

    save_ram();
    for (unsigned i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        cr_assert_eq(world_call0(GUEST, unknown[i]), HC_ENOSYS, "call %#llx",
                     (unsigned long long)unknown[i]);
        cr_assert_eq(world_call0(DOM0, unknown[i]), HC_ENOSYS);
    }
    assert_ram_unchanged();
}

/* ---- guest buffers -------------------------------------------------------- */

HYPERCALL_TEST(console_write_copies_the_text)
{
    memcpy(world_ram(GUEST) + 0x200, "hello\n", 6);
    cr_assert_eq(world_call2(GUEST, HC_CONSOLE_WRITE, 0x200, 6), 6);
    memset(world_ram(GUEST) + 0x200, 'x', 6); /* the guest changing it later */
    cr_assert_eq(world_record(GUEST)->console_len, 6);
    cr_assert(!memcmp(world_record(GUEST)->console, "hello\n", 6));
    cr_assert_eq(world_record(DOM0)->console_writes, 0);
}

HYPERCALL_TEST(console_write_up_to_the_last_byte_of_ram)
{
    memset(world_ram(GUEST) + RAM - HC_CONSOLE_MAX, 'a', HC_CONSOLE_MAX);
    cr_assert_eq(world_call2(GUEST, HC_CONSOLE_WRITE, RAM - HC_CONSOLE_MAX, HC_CONSOLE_MAX),
                 HC_CONSOLE_MAX);
    cr_assert_eq(world_call2(GUEST, HC_CONSOLE_WRITE, RAM - 1, 1), 1);
    cr_assert_eq(world_call2(GUEST, HC_CONSOLE_WRITE, RAM, 0), 0);
    cr_assert_eq(world_record(GUEST)->console_len, HC_CONSOLE_MAX + 1);
}

HYPERCALL_TEST(console_write_rejects_buffers_outside_ram)
{
    static const struct {
        uint64_t address, length;
        int64_t error;
    } bad[] = {
        {RAM - 4, 5, HC_EFAULT},
        {RAM, 1, HC_EFAULT},
        {RAM + 1, 0, HC_EFAULT},
        {UINT64_MAX, 2, HC_EFAULT}, /* would wrap to 0 */
        {UINT64_MAX - 15, 32, HC_EFAULT},
        {1ull << 63, 1, HC_EFAULT},
        {0, HC_CONSOLE_MAX + 1, HC_EINVAL},
        {0x100, UINT64_MAX, HC_EINVAL},
        {0x100, 0 - 0x100ull, HC_EINVAL}, /* address + length wraps to 0 */
    };

    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_eq(world_call2(GUEST, HC_CONSOLE_WRITE, bad[i].address, bad[i].length),
                     bad[i].error, "case %u", i);
    cr_assert_eq(world_record(GUEST)->console_writes, 0);
}

HYPERCALL_TEST(self_info_is_written_where_asked)
{
    struct hc_self_info info;
    const uint64_t at = 0x3000;
    const uint64_t args[6] = {at};

    memset(world_ram(OTHER), 0xee, RAM);
    cr_assert_eq(world_call(OTHER, 1, HC_SELF_INFO, args), 0);
    memcpy(&info, world_ram(OTHER) + at, sizeof(info));
    cr_assert_eq(info.partition_id, OTHER);
    cr_assert_eq(info.vcpu_index, 1);
    cr_assert_eq(info.cpu_count, WORLD_VCPUS);
    cr_assert_eq(info.mode, GUEST_MODE_PV);
    cr_assert_eq(info.memory_bytes, RAM);
    cr_assert_str_eq(info.name, "guest-b");
    cr_assert_eq(world_ram(OTHER)[at - 1], 0xee);
    cr_assert_eq(world_ram(OTHER)[at + sizeof(info)], 0xee);
}

HYPERCALL_TEST(self_info_bounds)
{
    const uint64_t size = sizeof(struct hc_self_info);

    cr_assert_eq(world_call1(GUEST, HC_SELF_INFO, RAM - size), 0);
    save_ram();
    cr_assert_eq(world_call1(GUEST, HC_SELF_INFO, RAM - size + 1), HC_EFAULT);
    cr_assert_eq(world_call1(GUEST, HC_SELF_INFO, RAM), HC_EFAULT);
    cr_assert_eq(world_call1(GUEST, HC_SELF_INFO, UINT64_MAX - 7), HC_EFAULT);
    cr_assert_eq(world_call1(GUEST, HC_SELF_INFO, 0 - size), HC_EFAULT);
    assert_ram_unchanged();
}

/* ---- privileged calls ----------------------------------------------------- */

HYPERCALL_TEST(privileged_calls_from_others_get_eperm)
{
    static const uint64_t privileged[] = {
        HC_PARTITION_LIST,    HC_PARTITION_STOP,     HC_PARTITION_START,  HC_PARTITION_RESTART,
        HC_PARTITION_DESTROY, HC_CONSOLE_SERVER,     HC_CONSOLE_RELEASE,  HC_LOG_READ,
        HC_MACHINE_CONTROL,   HC_PARTITION_SHUTDOWN, HC_CONSOLE_WRITE_FOR};

    save_ram();
    for (unsigned caller = GUEST; caller <= OTHER; caller++) {
        for (unsigned i = 0; i < sizeof(privileged) / sizeof(privileged[0]); i++) {
            for (uint64_t target = 0; target <= WORLD_PARTITIONS; target++)
                cr_assert_eq(world_call2(caller, privileged[i], target, 8), HC_EPERM);
        }
    }
    assert_ram_unchanged();
    for (unsigned id = 1; id <= WORLD_PARTITIONS; id++) {
        cr_assert_eq(world_record(id)->commands, 0);
        cr_assert_eq(world_record(id)->stop_requests, 0);
    }
}

HYPERCALL_TEST(dom0_controls_others_but_not_itself)
{
    cr_assert_eq(world_call1(DOM0, HC_PARTITION_STOP, GUEST), 0);
    cr_assert_eq(world_record(GUEST)->stop_requests, 1);
    cr_assert_eq(world_record(GUEST)->stopped_by, world_partition(DOM0));
    cr_assert_eq(world_call1(DOM0, HC_PARTITION_START, OTHER), 0);
    cr_assert_eq(world_record(OTHER)->command, PARTITION_COMMAND_START);
    cr_assert_eq(world_call1(DOM0, HC_PARTITION_RESTART, OTHER), 0);
    cr_assert_eq(world_record(OTHER)->command, PARTITION_COMMAND_RESTART);
    cr_assert_eq(world_call1(DOM0, HC_PARTITION_DESTROY, GUEST), 0);
    cr_assert_eq(world_record(GUEST)->command, PARTITION_COMMAND_DESTROY);

    for (uint64_t call = HC_PARTITION_STOP; call <= HC_PARTITION_DESTROY; call++) {
        cr_assert_eq(world_call1(DOM0, call, DOM0), HC_EINVAL);
        cr_assert_eq(world_call1(DOM0, call, 0), HC_ENOENT);
        cr_assert_eq(world_call1(DOM0, call, WORLD_PARTITIONS + 1), HC_ENOENT);
        cr_assert_eq(world_call1(DOM0, call, (1ull << 32) + GUEST), HC_ENOENT);
    }
    cr_assert_eq(world_record(DOM0)->commands + world_record(DOM0)->stop_requests, 0);
}

HYPERCALL_TEST(irq_line_reaches_a_full_partitions_pic)
{
    world_make_full(OTHER);
    cr_assert_eq(world_call3(DOM0, HC_IRQ_LINE, OTHER, 4, 1), 0);
    cr_assert_eq(world_record(OTHER)->irq_line, 4);
    cr_assert(world_record(OTHER)->irq_high);
    cr_assert_eq(world_call3(DOM0, HC_IRQ_LINE, OTHER, 15, 0), 0);
    cr_assert_eq(world_record(OTHER)->irq_line, 15);
    cr_assert_not(world_record(OTHER)->irq_high);
    cr_assert_eq(world_record(OTHER)->irq_line_changes, 2);
    cr_assert_eq(world_call3(DOM0, HC_IRQ_LINE, OTHER, 23, 1), 0, "the last I/O APIC pin");
    cr_assert_eq(world_record(OTHER)->irq_line, 23);
}

HYPERCALL_TEST(irq_line_checks_its_arguments)
{
    world_make_full(OTHER);
    cr_assert_eq(world_call3(DOM0, HC_IRQ_LINE, GUEST, 4, 1), HC_EINVAL, "a pv partition");
    cr_assert_eq(world_call3(DOM0, HC_IRQ_LINE, OTHER, 24, 1), HC_EINVAL);
    cr_assert_eq(world_call3(DOM0, HC_IRQ_LINE, OTHER, 1ull << 32, 1), HC_EINVAL);
    cr_assert_eq(world_call3(DOM0, HC_IRQ_LINE, OTHER, 4, 2), HC_EINVAL);
    cr_assert_eq(world_call3(DOM0, HC_IRQ_LINE, DOM0, 4, 1), HC_EINVAL);
    cr_assert_eq(world_call3(DOM0, HC_IRQ_LINE, 0, 4, 1), HC_ENOENT);
    cr_assert_eq(world_call3(DOM0, HC_IRQ_LINE, WORLD_PARTITIONS + 1, 4, 1), HC_ENOENT);
    cr_assert_eq(world_call3(GUEST, HC_IRQ_LINE, OTHER, 4, 1), HC_EPERM);
    for (unsigned id = 1; id <= WORLD_PARTITIONS; id++)
        cr_assert_eq(world_record(id)->irq_line_changes, 0);
}

HYPERCALL_TEST(irq_msi_reaches_a_full_partition)
{
    world_make_full(OTHER);
    cr_assert_eq(world_call3(DOM0, HC_IRQ_MSI, OTHER, HC_MSI_ADDRESS(1, 0),
                             HC_MSI_DATA(0x41, HC_MSI_MODE_FIXED)),
                 0);
    cr_assert_eq(world_record(OTHER)->msis, 1);
    cr_assert_eq(world_record(OTHER)->msi.vector, 0x41);
    cr_assert_eq(world_record(OTHER)->msi.destination, 1);
    cr_assert_not(world_record(OTHER)->msi.logical);
    cr_assert_eq(
        world_call3(DOM0, HC_IRQ_MSI, OTHER, HC_MSI_ADDRESS(3, 1), HC_MSI_DATA(0, HC_MSI_MODE_NMI)),
        0);
    cr_assert_eq(world_record(OTHER)->msi.kind, VAPIC_IPI_NMI);
    cr_assert(world_record(OTHER)->msi.logical);
}

HYPERCALL_TEST(shutdown_presses_a_full_partitions_power_button)
{
    world_make_full(OTHER);
    world_record(OTHER)->power_button_listened = true;
    cr_assert_eq(world_call1(DOM0, HC_PARTITION_SHUTDOWN, OTHER), 0);
    world_record(OTHER)->power_button_listened = false;
    cr_assert_eq(world_call1(DOM0, HC_PARTITION_SHUTDOWN, OTHER), 1, "pressed, not noticed");
    cr_assert_eq(world_record(OTHER)->power_button_presses, 2);
}

HYPERCALL_TEST(shutdown_checks_its_target)
{
    world_make_full(OTHER);
    cr_assert_eq(world_call1(DOM0, HC_PARTITION_SHUTDOWN, GUEST), HC_EINVAL, "pv");
    cr_assert_eq(world_call1(DOM0, HC_PARTITION_SHUTDOWN, DOM0), HC_EINVAL, "itself");
    cr_assert_eq(world_call1(DOM0, HC_PARTITION_SHUTDOWN, 0), HC_ENOENT);
    cr_assert_eq(world_call1(DOM0, HC_PARTITION_SHUTDOWN, WORLD_PARTITIONS + 1), HC_ENOENT);
    cr_assert_eq(world_call1(GUEST, HC_PARTITION_SHUTDOWN, OTHER), HC_EPERM);
    world_partition(OTHER)->state = PARTITION_STOPPED;
    cr_assert_eq(world_call1(DOM0, HC_PARTITION_SHUTDOWN, OTHER), HC_EBUSY, "not running");
    for (unsigned id = 1; id <= WORLD_PARTITIONS; id++)
        cr_assert_eq(world_record(id)->power_button_presses, 0);
}

HYPERCALL_TEST(irq_msi_checks_its_arguments)
{
    uint64_t address = HC_MSI_ADDRESS(0, 0), data = HC_MSI_DATA(0x41, HC_MSI_MODE_FIXED);

    world_make_full(OTHER);
    cr_assert_eq(world_call3(DOM0, HC_IRQ_MSI, GUEST, address, data), HC_EINVAL, "pv");
    cr_assert_eq(world_call3(DOM0, HC_IRQ_MSI, DOM0, address, data), HC_EINVAL, "itself");
    cr_assert_eq(world_call3(DOM0, HC_IRQ_MSI, 0, address, data), HC_ENOENT);
    cr_assert_eq(world_call3(GUEST, HC_IRQ_MSI, OTHER, address, data), HC_EPERM);
    cr_assert_eq(world_call3(DOM0, HC_IRQ_MSI, OTHER, 0xfec00000, data), HC_EINVAL);
    cr_assert_eq(world_call3(DOM0, HC_IRQ_MSI, OTHER, address | 1ull << 32, data), HC_EINVAL);
    cr_assert_eq(world_call3(DOM0, HC_IRQ_MSI, OTHER, address, HC_MSI_DATA(15, 0)), HC_EINVAL);
    cr_assert_eq(world_call3(DOM0, HC_IRQ_MSI, OTHER, address, data | 1u << 15), HC_EINVAL,
                 "level-triggered");
    cr_assert_eq(world_call3(DOM0, HC_IRQ_MSI, OTHER, address, HC_MSI_DATA(0x41, 2)), HC_EINVAL,
                 "SMI");
    for (unsigned id = 1; id <= WORLD_PARTITIONS; id++)
        cr_assert_eq(world_record(id)->msis, 0);
}

static struct hc_partition_entry entry_at(uint64_t address)
{
    struct hc_partition_entry entry;

    memcpy(&entry, world_ram(DOM0) + address, sizeof(entry));
    return entry;
}

HYPERCALL_TEST(partition_list_fills_entries)
{
    const uint64_t at = 0x1000, size = sizeof(struct hc_partition_entry);

    cr_assert_eq(world_call2(DOM0, HC_PARTITION_LIST, at, 16), WORLD_PARTITIONS);
    for (unsigned i = 0; i < WORLD_PARTITIONS; i++) {
        struct hc_partition_entry entry = entry_at(at + i * size);
        cr_assert_eq(entry.id, i + 1);
        cr_assert_eq(entry.state, HC_PARTITION_RUNNING);
        cr_assert_eq(entry.cpu_count, WORLD_VCPUS);
        cr_assert_eq(entry.mode, GUEST_MODE_PV);
        cr_assert_eq(entry.memory_bytes, RAM);
    }
    cr_assert_str_eq(entry_at(at).name, "dom0");
    cr_assert_str_eq(entry_at(at + 2 * size).name, "guest-b");
}

HYPERCALL_TEST(partition_list_stops_at_the_count)
{
    const uint64_t at = 0x1000, size = sizeof(struct hc_partition_entry);

    memset(world_ram(DOM0), 0xee, RAM);
    cr_assert_eq(world_call2(DOM0, HC_PARTITION_LIST, at, 0), 0);
    cr_assert_eq(world_ram(DOM0)[at], 0xee);
    cr_assert_eq(world_call2(DOM0, HC_PARTITION_LIST, at, 2), 2);
    cr_assert_eq(entry_at(at + size).id, 2);
    cr_assert_eq(world_ram(DOM0)[at + 2 * size], 0xee);
    cr_assert_eq(world_ram(DOM0)[at - 1], 0xee);
}

HYPERCALL_TEST(partition_list_skips_destroyed_partitions)
{
    const uint64_t size = sizeof(struct hc_partition_entry);

    world_destroy(GUEST);
    cr_assert_eq(world_call2(DOM0, HC_PARTITION_LIST, 0, 8), 2);
    cr_assert_eq(entry_at(0).id, DOM0);
    cr_assert_eq(entry_at(size).id, OTHER);
}

HYPERCALL_TEST(partition_list_bounds)
{
    const uint64_t size = sizeof(struct hc_partition_entry);

    cr_assert_eq(world_call2(DOM0, HC_PARTITION_LIST, RAM - 3 * size, 3), 3);
    cr_assert_eq(world_call2(DOM0, HC_PARTITION_LIST, RAM - 2 * size, 3), HC_EFAULT);
    save_ram();
    cr_assert_eq(world_call2(DOM0, HC_PARTITION_LIST, RAM - size + 1, 1), HC_EFAULT);
    cr_assert_eq(world_call2(DOM0, HC_PARTITION_LIST, 0 - size, 3), HC_EFAULT);
    cr_assert_eq(world_call2(DOM0, HC_PARTITION_LIST, UINT64_MAX, UINT64_MAX), HC_EFAULT);
    assert_ram_unchanged();
}

/* ---- event channels ------------------------------------------------------- */

HYPERCALL_TEST(bind_and_send_to_self_delivers_the_vector)
{
    const uint64_t args[6] = {0x40, 0};
    int64_t port = world_call(GUEST, 1, HC_EVENT_BIND, args);

    cr_assert_geq(port, 0);
    cr_assert_eq(world_call1(GUEST, HC_EVENT_SEND, port), 0);
    cr_assert_eq(delivered(GUEST, 1, 0x40), 1, "on the vCPU that bound it");
    cr_assert_eq(world_record(GUEST)->interrupt_total, 1);
    cr_assert_eq(world_record(DOM0)->interrupt_total + world_record(OTHER)->interrupt_total, 0);
}

HYPERCALL_TEST(bind_checks_vector_and_peer)
{
    cr_assert_eq(bind(GUEST, 0, 0), HC_EINVAL);
    cr_assert_eq(bind(GUEST, 31, 0), HC_EINVAL);
    cr_assert_eq(bind(GUEST, 256, 0), HC_EINVAL);
    cr_assert_eq(bind(GUEST, 0x100 + 0x40, 0), HC_EINVAL, "no truncation to a byte");
    cr_assert_eq(bind(GUEST, UINT64_MAX, 0), HC_EINVAL);
    cr_assert_eq(bind(GUEST, 0x40, GUEST), HC_EINVAL);
    cr_assert_eq(bind(GUEST, 0x40, WORLD_PARTITIONS + 1), HC_ENOENT);
    cr_assert_eq(bind(GUEST, 0x40, (1ull << 32) + OTHER), HC_ENOENT);
    cr_assert_geq(bind(GUEST, 32, 0), 0);
    cr_assert_geq(bind(GUEST, 255, OTHER), 0);
}

HYPERCALL_TEST(connect_and_send_both_ways)
{
    int64_t offered = bind(GUEST, 0x41, OTHER);
    cr_assert_geq(offered, 0);
    cr_assert_eq(world_call1(GUEST, HC_EVENT_SEND, offered), HC_ENOENT, "nobody connected yet");

    int64_t local = world_call3(OTHER, HC_EVENT_CONNECT, GUEST, offered, 0x42);
    cr_assert_geq(local, 0);
    cr_assert_eq(world_call1(OTHER, HC_EVENT_SEND, local), 0);
    cr_assert_eq(delivered(GUEST, 0, 0x41), 1);
    cr_assert_eq(world_call1(GUEST, HC_EVENT_SEND, offered), 0);
    cr_assert_eq(delivered(OTHER, 0, 0x42), 1);
    cr_assert_eq(world_record(OTHER)->interrupt_total, 1);
    cr_assert_eq(world_record(GUEST)->interrupt_total, 1);

    cr_assert_eq(world_call3(OTHER, HC_EVENT_CONNECT, GUEST, offered, 0x43), HC_EBUSY);
}

HYPERCALL_TEST(unbinding_one_end_disconnects_the_other)
{
    int64_t offered = bind(GUEST, 0x41, OTHER);
    int64_t local = world_call3(OTHER, HC_EVENT_CONNECT, GUEST, offered, 0x42);

    cr_assert_eq(world_call1(GUEST, HC_EVENT_UNBIND, offered), 0);
    cr_assert_eq(world_call1(GUEST, HC_EVENT_SEND, offered), HC_ENOENT);
    /* Unconnected now: it raises itself, never the port's old owner. */
    cr_assert_eq(world_call1(OTHER, HC_EVENT_SEND, local), 0);
    cr_assert_eq(delivered(OTHER, 0, 0x42), 1);
    cr_assert_eq(world_record(GUEST)->interrupt_total, 0);
}

HYPERCALL_TEST(connect_checks_the_offer)
{
    int64_t to_other = bind(GUEST, 0x41, OTHER);
    int64_t to_nobody = bind(GUEST, 0x41, 0);

    cr_assert_eq(world_call3(DOM0, HC_EVENT_CONNECT, GUEST, to_other, 0x42), HC_EPERM);
    cr_assert_eq(world_call3(OTHER, HC_EVENT_CONNECT, GUEST, to_nobody, 0x42), HC_EPERM);
    cr_assert_eq(world_call3(OTHER, HC_EVENT_CONNECT, GUEST, 5, 0x42), HC_ENOENT);
    cr_assert_eq(world_call3(OTHER, HC_EVENT_CONNECT, GUEST, HC_EVENT_PORTS, 0x42), HC_ENOENT);
    cr_assert_eq(world_call3(OTHER, HC_EVENT_CONNECT, GUEST, UINT64_MAX, 0x42), HC_ENOENT);
    cr_assert_eq(world_call3(OTHER, HC_EVENT_CONNECT, 0, to_other, 0x42), HC_ENOENT);
    cr_assert_eq(world_call3(OTHER, HC_EVENT_CONNECT, 7, to_other, 0x42), HC_ENOENT);
    cr_assert_lt(world_call3(OTHER, HC_EVENT_CONNECT, OTHER, to_other, 0x42), 0, "itself");
    cr_assert_eq(world_call3(OTHER, HC_EVENT_CONNECT, GUEST, to_other, 31), HC_EINVAL);
    cr_assert_eq(world_call3(OTHER, HC_EVENT_CONNECT, GUEST, to_other, 256), HC_EINVAL);
    cr_assert_eq(world_partition(GUEST)->events.ports[to_other].peer, 0);
}

HYPERCALL_TEST(ports_are_checked_against_the_caller)
{
    int64_t port = bind(GUEST, 0x41, 0);

    cr_assert_eq(port, 0);
    for (uint64_t call = HC_EVENT_SEND; call <= HC_EVENT_UNMASK; call++) {
        cr_assert_eq(world_call1(OTHER, call, port), HC_ENOENT, "call %llu",
                     (unsigned long long)call);
        cr_assert_eq(world_call1(GUEST, call, HC_EVENT_PORTS), HC_ENOENT);
        cr_assert_eq(world_call1(GUEST, call, UINT64_MAX), HC_ENOENT);
        cr_assert_eq(world_call1(GUEST, call, (1ull << 32) + port), HC_ENOENT);
    }
    cr_assert(world_partition(GUEST)->events.ports[port].bound);
    cr_assert_eq(world_call1(GUEST, HC_EVENT_SEND, port), 0);
    cr_assert_eq(delivered(GUEST, 0, 0x41), 1);
}

HYPERCALL_TEST(mask_send_unmask_delivers_once)
{
    int64_t port = bind(GUEST, 0x50, 0);

    cr_assert_eq(world_call1(GUEST, HC_EVENT_MASK, port), 0);
    cr_assert_eq(world_call1(GUEST, HC_EVENT_SEND, port), 0);
    cr_assert_eq(world_call1(GUEST, HC_EVENT_SEND, port), 0);
    cr_assert_eq(world_record(GUEST)->interrupt_total, 0);
    cr_assert_eq(world_call1(GUEST, HC_EVENT_UNMASK, port), 0);
    cr_assert_eq(delivered(GUEST, 0, 0x50), 1);
    cr_assert_eq(world_call1(GUEST, HC_EVENT_UNMASK, port), 0);
    cr_assert_eq(world_call1(GUEST, HC_EVENT_MASK, port), 0);
    cr_assert_eq(world_call1(GUEST, HC_EVENT_UNMASK, port), 0);
    cr_assert_eq(world_record(GUEST)->interrupt_total, 1);
}

HYPERCALL_TEST(ports_are_limited_per_partition)
{
    cr_assert_eq(bind(OTHER, 0x40, GUEST), 0);
    for (unsigned i = 0; i < HC_EVENT_PORTS; i++)
        cr_assert_eq(bind(GUEST, 0x40, OTHER), i);
    cr_assert_eq(bind(GUEST, 0x40, 0), HC_ENOSPC);
    cr_assert_eq(world_call3(GUEST, HC_EVENT_CONNECT, OTHER, 0, 0x40), HC_ENOSPC);
    cr_assert_eq(world_partition(OTHER)->events.ports[0].peer, 0);
    cr_assert_eq(world_call1(OTHER, HC_EVENT_UNBIND, 0), 0);

    /* The offers used up the offerer's ports, not the ones offered to. */
    for (unsigned i = 0; i < HC_EVENT_PORTS; i++)
        cr_assert_eq(world_call3(OTHER, HC_EVENT_CONNECT, GUEST, i, 0x42), i);
    cr_assert_eq(bind(OTHER, 0x40, 0), HC_ENOSPC);
    cr_assert_eq(bind(DOM0, 0x40, 0), 0);
}

HYPERCALL_TEST(connect_with_a_full_table_leaves_the_offer_open)
{
    int64_t offered = bind(GUEST, 0x41, OTHER);

    for (unsigned i = 0; i < HC_EVENT_PORTS; i++)
        bind(OTHER, 0x40, 0);
    cr_assert_eq(world_call3(OTHER, HC_EVENT_CONNECT, GUEST, offered, 0x42), HC_ENOSPC);
    cr_assert_eq(world_partition(GUEST)->events.ports[offered].peer, 0);
    cr_assert_eq(world_call1(OTHER, HC_EVENT_UNBIND, 7), 0);
    cr_assert_eq(world_call3(OTHER, HC_EVENT_CONNECT, GUEST, offered, 0x42), 7);
}

HYPERCALL_TEST(timer_needs_a_bound_port)
{
    int64_t port = bind(GUEST, 0x40, 0);

    cr_assert_eq(world_call2(GUEST, HC_TIMER_SET, 1000, port + 1), HC_ENOENT);
    cr_assert_eq(world_call2(GUEST, HC_TIMER_SET, 1000, HC_EVENT_PORTS), HC_ENOENT);
    cr_assert_eq(world_call2(GUEST, HC_TIMER_SET, 1000, UINT64_MAX), HC_ENOENT);
    cr_assert_eq(world_call2(OTHER, HC_TIMER_SET, 1000, port), HC_ENOENT);
    cr_assert_eq(world_partition(GUEST)->timer_deadline, 0);
    cr_assert_eq(world_call2(GUEST, HC_TIMER_SET, 1000, port), 0);
    cr_assert_eq(world_partition(GUEST)->timer_deadline, 1000);
    cr_assert_eq(world_partition(GUEST)->timer_port, (unsigned)port);
    cr_assert_eq(world_call2(GUEST, HC_TIMER_SET, 0, 0), 0);
    cr_assert_eq(world_partition(GUEST)->timer_deadline, 0);
}

/* ---- grants --------------------------------------------------------------- */

HYPERCALL_TEST(grant_create_map_unmap_revoke)
{
    int64_t ref = grant(GUEST, OTHER, 2 * PAGE, 3, HC_GRANT_READ_WRITE);
    cr_assert_eq(ref, 0);
    cr_assert_eq(world_mapping_count(), 0, "creating maps nothing");

    cr_assert_eq(map(OTHER, GUEST, ref, RAM + 4 * PAGE), 0);
    const struct world_mapping *m = world_mapping_at(OTHER, RAM + 4 * PAGE);
    cr_assert_not_null(m);
    cr_assert_eq(m->address, RAM + 4 * PAGE);
    cr_assert_eq(m->granter, GUEST);
    cr_assert_eq(m->granter_address, 2 * PAGE);
    cr_assert_eq(m->size, 3 * PAGE);
    cr_assert(m->writable);
    cr_assert(world_partition(GUEST)->grants.grants[ref].mapped);
    cr_assert_eq(map(OTHER, GUEST, ref, RAM + 16 * PAGE), HC_EBUSY, "mapped once only");

    cr_assert_eq(world_call2(OTHER, HC_GRANT_UNMAP, GUEST, ref), 0);
    cr_assert_eq(world_mapping_count(), 0);
    cr_assert_eq(world_record(OTHER)->flushes, 1);
    cr_assert_eq(world_call2(OTHER, HC_GRANT_UNMAP, GUEST, ref), HC_ENOENT);

    cr_assert_eq(map(OTHER, GUEST, ref, RAM), 0);
    cr_assert_eq(world_call1(GUEST, HC_GRANT_REVOKE, ref), 0);
    cr_assert_eq(world_mapping_count(), 0, "revoke takes the mapping away");
    cr_assert_eq(world_record(OTHER)->flushes, 2, "and flushes the grantee");
    cr_assert_eq(world_record(GUEST)->flushes, 0);
    cr_assert_eq(map(OTHER, GUEST, ref, RAM), HC_ENOENT);
    cr_assert_eq(world_call1(GUEST, HC_GRANT_REVOKE, ref), HC_ENOENT);
}

/* A grantee CPU that never confirms its flush: the revoke and the unmap
 * still take the mapping away, but never report success. */
HYPERCALL_TEST(revoke_without_confirmed_flush_is_not_success)
{
    int64_t ref = grant(GUEST, OTHER, 0, 1, HC_GRANT_READ_WRITE);

    cr_assert_eq(map(OTHER, GUEST, ref, RAM), 0);
    world_record(OTHER)->flush_times_out = true;
    cr_assert_eq(world_call2(OTHER, HC_GRANT_UNMAP, GUEST, ref), HC_EBUSY);
    cr_assert_eq(world_mapping_count(), 0);
    cr_assert_eq(map(OTHER, GUEST, ref, RAM), 0);
    cr_assert_eq(world_call1(GUEST, HC_GRANT_REVOKE, ref), HC_EBUSY);
    cr_assert_eq(world_mapping_count(), 0, "the mapping is gone all the same");
    cr_assert_eq(world_call1(GUEST, HC_GRANT_REVOKE, ref), HC_ENOENT, "and the grant");
    cr_assert_eq(world_record(OTHER)->flush_stops, 2, "the grantee is stopped each time");
}

HYPERCALL_TEST(read_only_and_read_write_grants)
{
    int64_t read_only = grant(GUEST, OTHER, 0, 1, HC_GRANT_READ_ONLY);
    int64_t read_write = grant(GUEST, OTHER, PAGE, 1, HC_GRANT_READ_WRITE);

    cr_assert_eq(map(OTHER, GUEST, read_only, RAM), 0);
    cr_assert_eq(map(OTHER, GUEST, read_write, RAM + PAGE), 0);
    cr_assert_not(world_mapping_at(OTHER, RAM)->writable);
    cr_assert(world_mapping_at(OTHER, RAM + PAGE)->writable);
    for (uint64_t flags = 2; flags < 64; flags <<= 1)
        cr_assert_eq(grant(GUEST, OTHER, 0, 1, flags | HC_GRANT_READ_WRITE), HC_EINVAL);
    cr_assert_eq(grant(GUEST, OTHER, 0, 1, UINT64_MAX), HC_EINVAL);
}

HYPERCALL_TEST(grant_create_checks_its_arguments)
{
    cr_assert_eq(grant(GUEST, GUEST, 0, 1, 0), HC_EINVAL);
    cr_assert_eq(grant(GUEST, 0, 0, 1, 0), HC_ENOENT);
    cr_assert_eq(grant(GUEST, WORLD_PARTITIONS + 1, 0, 1, 0), HC_ENOENT);
    cr_assert_eq(grant(GUEST, (1ull << 32) + OTHER, 0, 1, 0), HC_ENOENT);
    cr_assert_eq(grant(GUEST, OTHER, 0x800, 1, 0), HC_EINVAL);
    cr_assert_eq(grant(GUEST, OTHER, 0, 0, 0), HC_EINVAL);
    cr_assert_eq(grant(GUEST, OTHER, 0, HC_GRANT_MAX_PAGES + 1, 0), HC_EINVAL);
    cr_assert_eq(grant(GUEST, OTHER, 0, UINT64_MAX, 0), HC_EINVAL);
    cr_assert_eq(grant(GUEST, OTHER, 0, (1ull << 52) + 1, 0), HC_EINVAL, "no page-count wrap");
}

HYPERCALL_TEST(grant_pages_lie_wholly_in_the_granters_ram)
{
    const uint64_t pages = RAM / PAGE;

    cr_assert_eq(grant(GUEST, OTHER, 0, pages, 0), 0);
    cr_assert_eq(grant(GUEST, OTHER, RAM - PAGE, 1, 0), 1);
    cr_assert_eq(grant(GUEST, OTHER, 0, pages + 1, 0), HC_EFAULT);
    cr_assert_eq(grant(GUEST, OTHER, RAM - PAGE, 2, 0), HC_EFAULT);
    cr_assert_eq(grant(GUEST, OTHER, RAM, 1, 0), HC_EFAULT);
    cr_assert_eq(grant(GUEST, OTHER, 0 - PAGE, 2, 0), HC_EFAULT, "wraps to page 0");
    cr_assert_eq(grant(GUEST, OTHER, 0 - 16 * PAGE, HC_GRANT_MAX_PAGES, 0), HC_EFAULT);
    cr_assert_eq(grant(GUEST, OTHER, 1ull << 63, 1, 0), HC_EFAULT);
}

HYPERCALL_TEST(grants_are_mapped_only_above_ram_and_below_the_limit)
{
    int64_t ref = grant(GUEST, OTHER, 0, 2, HC_GRANT_READ_WRITE);
    static const uint64_t bad[] = {
        0,
        PAGE,
        RAM - PAGE,
        RAM - 2 * PAGE,
        RAM + 1,
        RAM + 0x800,
        (RAM + HC_GRANT_WINDOW_SIZE) - PAGE, /* the second page would pass the limit */
        (RAM + HC_GRANT_WINDOW_SIZE),
        1ull << 63,
        0 - PAGE,
        0 - 2 * PAGE, /* the mapping would wrap to 0 */
    };

    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_eq(map(OTHER, GUEST, ref, bad[i]), HC_EINVAL, "at %#llx",
                     (unsigned long long)bad[i]);
    cr_assert_eq(world_mapping_count(), 0);
    cr_assert_eq(map(OTHER, GUEST, ref, (RAM + HC_GRANT_WINDOW_SIZE) - 2 * PAGE), 0);
}

HYPERCALL_TEST(grants_are_checked_against_the_caller)
{
    int64_t ref = grant(GUEST, OTHER, 0, 1, HC_GRANT_READ_WRITE);

    cr_assert_eq(map(DOM0, GUEST, ref, RAM), HC_EPERM, "meant for someone else");
    cr_assert_eq(map(OTHER, GUEST, ref + 1, RAM), HC_ENOENT);
    cr_assert_eq(map(OTHER, GUEST, HC_GRANTS, RAM), HC_ENOENT);
    cr_assert_eq(map(OTHER, GUEST, UINT64_MAX, RAM), HC_ENOENT);
    cr_assert_eq(map(OTHER, GUEST, (1ull << 32) + ref, RAM), HC_ENOENT);
    cr_assert_eq(map(OTHER, DOM0, ref, RAM), HC_ENOENT, "the grant is not dom0's");
    cr_assert_eq(map(OTHER, 0, ref, RAM), HC_ENOENT);
    cr_assert_eq(map(OTHER, 9, ref, RAM), HC_ENOENT);
    cr_assert_lt(map(OTHER, OTHER, ref, RAM), 0, "from itself");
    cr_assert_eq(world_mapping_count(), 0);

    cr_assert_eq(map(OTHER, GUEST, ref, RAM), 0);
    cr_assert_eq(world_call2(DOM0, HC_GRANT_UNMAP, GUEST, ref), HC_EPERM);
    cr_assert_eq(world_call2(GUEST, HC_GRANT_UNMAP, GUEST, ref), HC_EPERM);
    cr_assert_eq(world_call2(OTHER, HC_GRANT_UNMAP, 0, ref), HC_ENOENT);
    cr_assert_eq(world_call1(OTHER, HC_GRANT_REVOKE, ref), HC_ENOENT, "only the granter");
    cr_assert_eq(world_call1(DOM0, HC_GRANT_REVOKE, ref), HC_ENOENT);
    cr_assert_eq(world_mapping_count(), 1);
    cr_assert(world_partition(GUEST)->grants.grants[ref].used);
}

HYPERCALL_TEST(grant_mappings_do_not_overlap)
{
    int64_t first = grant(GUEST, OTHER, 0, 2, 0);
    int64_t second = grant(DOM0, OTHER, 0, 2, 0);

    cr_assert_eq(map(OTHER, GUEST, first, RAM + 2 * PAGE), 0);
    cr_assert_eq(map(OTHER, DOM0, second, RAM + 3 * PAGE), HC_EBUSY);
    cr_assert_eq(map(OTHER, DOM0, second, RAM + PAGE), HC_EBUSY);
    cr_assert_eq(map(OTHER, DOM0, second, RAM + 2 * PAGE), HC_EBUSY);
    cr_assert_not(world_partition(DOM0)->grants.grants[second].mapped);
    cr_assert_eq(world_mapping_at(OTHER, RAM + 2 * PAGE)->granter, GUEST);
    cr_assert_eq(map(OTHER, DOM0, second, RAM + 4 * PAGE), 0);
    cr_assert_eq(map(OTHER, DOM0, second, RAM), HC_EBUSY);
}

HYPERCALL_TEST(grants_are_limited_per_partition)
{
    for (unsigned i = 0; i < HC_GRANTS; i++)
        cr_assert_eq(grant(GUEST, OTHER, 0, 1, 0), i);
    cr_assert_eq(grant(GUEST, OTHER, 0, 1, 0), HC_ENOSPC);
    cr_assert_eq(grant(GUEST, DOM0, 0, 1, 0), HC_ENOSPC);
    /* The grantee's own table is untouched. */
    for (unsigned i = 0; i < HC_GRANTS; i++)
        cr_assert_eq(grant(OTHER, GUEST, 0, 1, 0), i);
    cr_assert_eq(world_call1(GUEST, HC_GRANT_REVOKE, 17), 0);
    cr_assert_eq(grant(GUEST, OTHER, 0, 1, 0), 17);
}

HYPERCALL_TEST(restarting_releases_grants_both_ways)
{
    int64_t given = grant(GUEST, OTHER, 0, 1, 0);
    int64_t taken = grant(DOM0, GUEST, 0, 1, 0);

    cr_assert_eq(map(OTHER, GUEST, given, RAM), 0);
    cr_assert_eq(map(GUEST, DOM0, taken, RAM), 0);
    world_restart(GUEST);
    cr_assert_eq(world_mapping_count(), 0);
    cr_assert_not(world_partition(GUEST)->grants.grants[given].used);
    cr_assert(world_partition(DOM0)->grants.grants[taken].used, "dom0 still offers it");
    cr_assert_not(world_partition(DOM0)->grants.grants[taken].mapped);
    cr_assert_eq(world_record(OTHER)->flushes, 1);
}

/* ---- the console backend ------------------------------------------------- */

#define CONSOLE_VECTOR 0x41

/* The guests' console rings exist for long-mode images only. */
static uint64_t console_window(void)
{
    world_partition(GUEST)->kernel_64bit = true;
    world_partition(OTHER)->kernel_64bit = true;
    return RAM;
}

static volatile struct guest_console_ring *console_ring_of(unsigned id)
{
    return (volatile struct guest_console_ring *)(world_ram(id) + GUEST_CONSOLE_RING_ADDRESS);
}

HYPERCALL_TEST(console_server_checks_window_and_port)
{
    uint64_t window = console_window();
    int64_t port = bind(DOM0, CONSOLE_VECTOR, 0);

    cr_assert_eq(world_call2(DOM0, HC_CONSOLE_SERVER, 0, port), HC_EINVAL); /* its own RAM */
    cr_assert_eq(world_call2(DOM0, HC_CONSOLE_SERVER, window + 1, port), HC_EINVAL);
    cr_assert_eq(world_call2(DOM0, HC_CONSOLE_SERVER, window + HC_GRANT_WINDOW_SIZE, port),
                 HC_EINVAL);
    cr_assert_eq(world_call2(DOM0, HC_CONSOLE_SERVER, UINT64_MAX & ~(PAGE - 1), port), HC_EINVAL);
    cr_assert_eq(world_call2(DOM0, HC_CONSOLE_SERVER, window, HC_EVENT_PORTS), HC_ENOENT);
    cr_assert_eq(world_call2(DOM0, HC_CONSOLE_SERVER, window, port + 1), HC_ENOENT);
    cr_assert_eq(world_mapping_count(), 0);
}

HYPERCALL_TEST(console_server_maps_each_ring_and_connects_its_port)
{
    uint64_t window = console_window();
    int64_t port = bind(DOM0, CONSOLE_VECTOR, 0);

    cr_assert_eq(world_call2(DOM0, HC_CONSOLE_SERVER, window, port), (1 << GUEST) | (1 << OTHER));
    for (unsigned id = GUEST; id <= OTHER; id++) {
        const struct world_mapping *m = world_mapping_at(DOM0, window + (id - 1) * PAGE);
        cr_assert_not_null(m);
        cr_assert_eq(m->granter, id);
        cr_assert_eq(m->granter_address, GUEST_CONSOLE_RING_ADDRESS);
        cr_assert_eq(m->size, PAGE);
        cr_assert_eq(console_ring_of(id)->backend, 1);
    }
    cr_assert_eq(world_call1(GUEST, HC_EVENT_SEND, EVENT_CONSOLE_PORT), 0);
    cr_assert_eq(delivered(DOM0, 0, CONSOLE_VECTOR), 1);
    cr_assert_eq(world_call2(DOM0, HC_CONSOLE_SERVER, window, port), HC_EBUSY);
    world_partition(DOM0)->state = PARTITION_STOPPED; /* the backend's run ended */
    console_server_gone(world_partition(DOM0));
    cr_assert_eq(world_mapping_count(), 0);
    cr_assert_eq(console_ring_of(GUEST)->backend, 0);
    cr_assert_eq(world_call1(GUEST, HC_EVENT_SEND, EVENT_CONSOLE_PORT), HC_ENOENT);
}

HYPERCALL_TEST(console_ring_of_a_destroyed_partition_stays_until_released)
{
    uint64_t window = console_window();
    int64_t port = bind(DOM0, CONSOLE_VECTOR, 0);

    cr_assert_gt(world_call2(DOM0, HC_CONSOLE_SERVER, window, port), 0);
    cr_assert_eq(world_call1(DOM0, HC_CONSOLE_RELEASE, GUEST), HC_EBUSY); /* still there */
    cr_assert_eq(world_call1(DOM0, HC_CONSOLE_RELEASE, 0), HC_ENOENT);
    cr_assert_eq(world_call1(DOM0, HC_CONSOLE_RELEASE, DOM0), HC_ENOENT);
    cr_assert(console_partition_destroyed(world_partition(GUEST)));
    world_destroy(GUEST);
    cr_assert_not_null(world_mapping_at(DOM0, window + (GUEST - 1) * PAGE));
    cr_assert_eq(world.pages_freed, 0);
    cr_assert_eq(world_call1(DOM0, HC_CONSOLE_RELEASE, GUEST), 0);
    cr_assert_null(world_mapping_at(DOM0, window + (GUEST - 1) * PAGE));
    cr_assert_eq(world.pages_freed, 1);
    cr_assert_eq(world_record(DOM0)->unflushed_unmaps, 0);
    cr_assert_eq(world_call1(DOM0, HC_CONSOLE_RELEASE, GUEST), HC_ENOENT);
    world_partition(DOM0)->state = PARTITION_STOPPED; /* the backend's run ended */
    console_server_gone(world_partition(DOM0));
}
