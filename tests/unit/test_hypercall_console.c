/*
 * HC_CONSOLE_WRITE_FOR on the fake machine of tests/hypercall_world.h: the
 * privileged partition's text reaches the served partition's console, as
 * that partition's, copied before it is used; every bad argument is refused
 * and prints nothing.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/hypercall_world.h"

#define RAM   WORLD_RAM_SIZE
#define DOM0  WORLD_DOM0
#define GUEST 2
#define OTHER 3

static void setup(void)
{
    world_reset();
}

TestSuite(hypercall_console, .init = setup);

static int64_t write_for(unsigned caller, uint64_t id, uint64_t buffer, uint64_t length)
{
    return world_call3(caller, HC_CONSOLE_WRITE_FOR, id, buffer, length);
}

static unsigned console_writes(void)
{
    unsigned writes = 0;

    for (unsigned id = 1; id <= WORLD_PARTITIONS; id++)
        writes += world_record(id)->console_writes;
    return writes;
}

Test(hypercall_console, text_goes_to_the_served_partition)
{
    memcpy(world_ram(DOM0) + 0x300, "[uart] hi\n", 10);
    cr_assert_eq(write_for(DOM0, GUEST, 0x300, 10), 0);
    memset(world_ram(DOM0) + 0x300, 'x', 10); /* dom0 reusing its buffer */
    cr_assert_eq(world_record(GUEST)->console_len, 10);
    cr_assert(!memcmp(world_record(GUEST)->console, "[uart] hi\n", 10));
    cr_assert_eq(world_record(DOM0)->console_writes, 0, "not dom0's own");
    cr_assert_eq(world_record(OTHER)->console_writes, 0);
}

Test(hypercall_console, partial_lines_pass_as_they_come)
{
    memcpy(world_ram(DOM0) + 0x300, "half a line", 11);
    world_make_full(OTHER);
    cr_assert_eq(write_for(DOM0, OTHER, 0x300, 4), 0);
    cr_assert_eq(write_for(DOM0, OTHER, 0x304, 7), 0);
    cr_assert_eq(write_for(DOM0, OTHER, 0x300, 0), 0, "nothing at all");
    cr_assert_eq(world_record(OTHER)->console_len, 11);
    cr_assert(!memcmp(world_record(OTHER)->console, "half a line", 11));
}

Test(hypercall_console, up_to_the_last_byte_of_ram)
{
    memset(world_ram(DOM0) + RAM - HC_CONSOLE_MAX, 'a', HC_CONSOLE_MAX);
    cr_assert_eq(write_for(DOM0, GUEST, RAM - HC_CONSOLE_MAX, HC_CONSOLE_MAX), 0);
    cr_assert_eq(write_for(DOM0, GUEST, RAM, 0), 0);
    cr_assert_eq(world_record(GUEST)->console_len, HC_CONSOLE_MAX);
}

Test(hypercall_console, bad_arguments_print_nothing)
{
    cr_assert_eq(write_for(GUEST, OTHER, 0x300, 4), HC_EPERM, "unprivileged");
    cr_assert_eq(write_for(GUEST, GUEST, 0x300, 4), HC_EPERM, "unprivileged, itself");
    cr_assert_eq(write_for(DOM0, DOM0, 0x300, 4), HC_EINVAL, "itself");
    cr_assert_eq(write_for(DOM0, GUEST, 0x300, HC_CONSOLE_MAX + 1), HC_EINVAL, "too long");
    cr_assert_eq(write_for(DOM0, GUEST, 0x300, UINT64_MAX), HC_EINVAL);
    cr_assert_eq(write_for(DOM0, 0, 0x300, 4), HC_ENOENT);
    cr_assert_eq(write_for(DOM0, WORLD_PARTITIONS + 1, 0x300, 4), HC_ENOENT);
    cr_assert_eq(write_for(DOM0, 1ull << 32 | GUEST, 0x300, 4), HC_ENOENT, "id's high bits");
    cr_assert_eq(write_for(DOM0, GUEST, RAM - 4, 5), HC_EFAULT, "past RAM");
    cr_assert_eq(write_for(DOM0, GUEST, RAM + 1, 0), HC_EFAULT);
    cr_assert_eq(write_for(DOM0, GUEST, UINT64_MAX, 2), HC_EFAULT, "wraps to 0");
    cr_assert_eq(console_writes(), 0);
}

Test(hypercall_console, a_destroyed_partition_is_gone)
{
    world_destroy(GUEST);
    cr_assert_eq(write_for(DOM0, GUEST, 0x300, 4), HC_ENOENT);
    cr_assert_eq(console_writes(), 0);
}
