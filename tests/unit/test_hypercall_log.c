/*
 * HC_LOG_READ and HC_MACHINE_CONTROL on the fake machine of
 * tests/hypercall_world.h: privilege, buffers at and past the edges of RAM,
 * the length bound, the span an overtaken reader gets, and the actions.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/hypercall_world.h"

#define RAM   WORLD_RAM_SIZE
#define DOM0  WORLD_DOM0
#define GUEST 2

static void setup(void)
{
    world_reset();
}

TestSuite(hypercall_log, .init = setup);

static void log_text(const char *text)
{
    log_ring_append(&world.log, text, strlen(text));
}

static int64_t log_read(unsigned id, uint64_t buffer, uint64_t length, uint64_t cursor,
                        uint64_t span)
{
    return world_call4(id, HC_LOG_READ, buffer, length, cursor, span);
}

static struct hc_log_span span_at(uint64_t address)
{
    struct hc_log_span span;

    memcpy(&span, world_ram(DOM0) + address, sizeof(span));
    return span;
}

Test(hypercall_log, only_the_privileged_partition_reads_the_log)
{
    log_text("bulkhead: secret\n");
    cr_assert_eq(log_read(GUEST, 0, 16, 0, 0), HC_EPERM);
    cr_assert_eq(log_read(GUEST, RAM, 16, 0, 0), HC_EPERM, "privilege before pointers");
    cr_assert_eq(world_call1(GUEST, HC_MACHINE_CONTROL, HC_MACHINE_POWEROFF), HC_EPERM);
    cr_assert_eq(world.shutdowns, 0);
    cr_assert_eq(world.power_action, POWER_NONE);
}

Test(hypercall_log, reads_the_log_and_the_span)
{
    log_text("bulkhead: one\nbulkhead: two\n");
    cr_assert_eq(log_read(DOM0, 0x100, 64, 14, 0x80), 14);
    cr_assert_arr_eq(world_ram(DOM0) + 0x100, "bulkhead: two\n", 14);
    cr_assert_eq(span_at(0x80).start, 14);
    cr_assert_eq(span_at(0x80).end, 28);
    cr_assert_eq(log_read(DOM0, 0x100, 64, 28, 0), 0, "at the end");
    cr_assert_eq(log_read(DOM0, 0x100, 64, 29, 0), HC_EINVAL, "past the end");
}

Test(hypercall_log, an_overtaken_reader_sees_it_in_the_span)
{
    static char filler[LOG_RING_SIZE];

    memset(filler, 'x', sizeof(filler));
    log_text("lost\n");
    log_ring_append(&world.log, filler, sizeof(filler));
    cr_assert_eq(log_read(DOM0, 0x100, 16, 0, 0x80), 16);
    cr_assert_eq(span_at(0x80).start, 5, "the first five bytes are gone");
    cr_assert_eq(span_at(0x80).end, 5 + LOG_RING_SIZE);
}

Test(hypercall_log, at_most_hc_log_read_max_bytes_a_call)
{
    static char filler[3 * HC_LOG_READ_MAX];

    memset(filler, 'y', sizeof(filler));
    log_ring_append(&world.log, filler, sizeof(filler));
    cr_assert_eq(log_read(DOM0, 0, sizeof(filler), 0, 0), HC_LOG_READ_MAX);
    cr_assert_eq(world_ram(DOM0)[HC_LOG_READ_MAX], 0, "nothing past what it returned");
}

Test(hypercall_log, buffers_must_lie_in_the_callers_ram)
{
    log_text("bulkhead: text\n");
    const uint64_t span = sizeof(struct hc_log_span);
    cr_assert_eq(log_read(DOM0, RAM - 15, 15, 0, 0), 15, "ends at the end of RAM");
    cr_assert_eq(log_read(DOM0, RAM - 15, 16, 0, 0), HC_EFAULT, "one byte past");
    cr_assert_eq(log_read(DOM0, RAM, 1, 0, 0), HC_EFAULT);
    cr_assert_eq(log_read(DOM0, UINT64_MAX - 4, 8, 0, 0), HC_EFAULT, "wraps around");
    cr_assert_eq(log_read(DOM0, 0, UINT64_MAX, 0, 0), HC_EFAULT, "a huge length");
    cr_assert_eq(log_read(DOM0, 0, 8, 0, RAM - span), 8);
    cr_assert_eq(log_read(DOM0, 0, 8, 0, RAM - span + 1), HC_EFAULT, "span past RAM");
    cr_assert_eq(log_read(DOM0, 0, 8, 0, UINT64_MAX), HC_EFAULT);
}

Test(hypercall_log, a_failed_read_writes_nothing)
{
    log_text("bulkhead: text\n");
    cr_assert_eq(log_read(DOM0, 0x100, 8, 0, RAM), HC_EFAULT);
    for (unsigned i = 0; i < 8; i++)
        cr_assert_eq(world_ram(DOM0)[0x100 + i], 0);
}

Test(hypercall_log, machine_control_takes_one_known_action_once)
{
    cr_assert_eq(world_call1(DOM0, HC_MACHINE_CONTROL, 0), HC_EINVAL);
    cr_assert_eq(world_call1(DOM0, HC_MACHINE_CONTROL, 3), HC_EINVAL);
    cr_assert_eq(world_call1(DOM0, HC_MACHINE_CONTROL, UINT64_MAX), HC_EINVAL);
    cr_assert_eq(world.shutdowns, 0);
    cr_assert_eq(world_call1(DOM0, HC_MACHINE_CONTROL, HC_MACHINE_REBOOT), 0);
    cr_assert_eq(world.power_action, POWER_REBOOT);
    cr_assert_eq(world.shut_down_by, world_partition(DOM0));
    cr_assert_eq(world_call1(DOM0, HC_MACHINE_CONTROL, HC_MACHINE_POWEROFF), HC_EBUSY);
    cr_assert_eq(world.power_action, POWER_REBOOT, "the first request stands");
    cr_assert_eq(world.shutdowns, 1);
}

Test(hypercall_log, poweroff_is_recorded)
{
    cr_assert_eq(world_call1(DOM0, HC_MACHINE_CONTROL, HC_MACHINE_POWEROFF), 0);
    cr_assert_eq(world.power_action, POWER_OFF);
}

static void give_serial(unsigned id, uint16_t port)
{
    struct partition *p = world_partition(id);

    p->devices[p->device_count++] = (struct guest_device){GUEST_DEVICE_SERIAL, port};
}

Test(hypercall_log, only_the_owner_of_the_console_port_takes_the_console)
{
    cr_assert_eq(world_call1(DOM0, HC_CONSOLE_TAKE, WORLD_SERIAL_PORT), HC_EPERM, "owns nothing");
    give_serial(DOM0, 0x2f8);
    cr_assert_eq(world_call1(DOM0, HC_CONSOLE_TAKE, 0x2f8), HC_EPERM, "not the console's port");
    cr_assert_eq(world_call1(DOM0, HC_CONSOLE_TAKE, WORLD_SERIAL_PORT), HC_EPERM);
    give_serial(GUEST, WORLD_SERIAL_PORT);
    cr_assert_eq(world_call1(GUEST, HC_CONSOLE_TAKE, WORLD_SERIAL_PORT), HC_EPERM, "unprivileged");
    cr_assert_null(world.console_owner);
}

Test(hypercall_log, the_owner_prints_from_the_end_of_the_log)
{
    log_text("before\n");
    give_serial(DOM0, WORLD_SERIAL_PORT);
    int64_t from = world_call1(DOM0, HC_CONSOLE_TAKE, WORLD_SERIAL_PORT);
    cr_assert_eq(from, 7, "everything before was printed by the hypervisor");
    cr_assert_eq(world.console_owner, world_partition(DOM0));
    char text[128];
    int64_t count = log_read(DOM0, 0x100, sizeof(text), (uint64_t)from, 0);
    memcpy(text, world_ram(DOM0) + 0x100, (size_t)count);
    text[count] = '\0';
    cr_assert_str_eq(text, "bulkhead: console: partition dom0 prints the log from here on\n");
    cr_assert_eq(world_call1(DOM0, HC_CONSOLE_TAKE, WORLD_SERIAL_PORT), count + 7, "again: fine");
}
