/*
 * The config a survey suggests (lib/survey_config.c), from recorded
 * machines: the config reader takes it, the machine checks pass, dom0 has
 * the boot CPU's core and the consoles, every other core lies in exactly
 * one partition with all of its SMT siblings, and the boot CPU is cpu0
 * wherever the firmware listed it.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "lib/config.h"
#include "lib/survey_config.h"

static struct survey_machine machine;
static struct config config;
static char text[8192];

static void setup(void)
{
    memset(&machine, 0, sizeof(machine));
    machine.usable_bytes = 2048ull << 20;
    machine.serial_count = 1;
    machine.serial_ports[0] = 0x3f8;
    machine.has_framebuffer = true;
}

TestSuite(survey_config, .init = setup);

static void add_cpu(uint32_t apic_id, uint32_t core, uint32_t thread)
{
    struct survey_cpu *cpu = &machine.cpus[machine.cpu_count++];

    cpu->apic_id = apic_id;
    cpu->core = core;
    cpu->thread = thread;
    cpu->bsp = machine.cpu_count == 1;
}

/* Suggests, parses and runs the machine checks; fails the test on an error. */
static void suggest_and_read(void)
{
    struct config_error error;
    size_t length = survey_suggest_config(&machine, text, sizeof(text));

    cr_assert_lt(length, sizeof(text) - 1, "the suggestion was cut off");
    config_set_defaults(&config);
    cr_assert_eq(config_parse(text, length, "suggested.cfg", &config, &error), 0, "line %u: %s\n%s",
                 error.line, error.message, text);
    cr_assert_eq(config_check_machine(&config, machine.cpu_count, machine.usable_bytes, &error), 0,
                 "line %u: %s\n%s", error.line, error.message, text);
}

static bool owns(const struct config_partition *p, unsigned cpu)
{
    return p->cpus[cpu / 64] >> (cpu % 64) & 1;
}

/* The partition that has Bulkhead CPU `cpu`; -1 when none, and fails the
 * test when two do. */
static int owner_of(unsigned cpu)
{
    int owner = -1;

    for (unsigned i = 0; i < config.partition_count; i++) {
        if (!owns(&config.partitions[i], cpu))
            continue;
        cr_expect_eq(owner, -1, "cpu%u is in two partitions", cpu);
        owner = (int)i;
    }
    return owner;
}

/* machine.cpus in Bulkhead's numbering (boot CPU swapped into slot 0). */
static struct survey_cpu numbered(unsigned cpu)
{
    unsigned bsp = 0;

    for (unsigned i = 0; i < machine.cpu_count; i++)
        if (machine.cpus[i].bsp)
            bsp = i;
    if (cpu == 0)
        return machine.cpus[bsp];
    return cpu == bsp ? machine.cpus[0] : machine.cpus[cpu];
}

/* Every CPU in exactly one partition, siblings in the same one. */
static void expect_whole_cores(void)
{
    for (unsigned a = 0; a < machine.cpu_count; a++) {
        cr_expect_neq(owner_of(a), -1, "cpu%u is in no partition", a);
        for (unsigned b = 0; b < machine.cpu_count; b++) {
            struct survey_cpu x = numbered(a), y = numbered(b);
            if (x.package == y.package && x.core == y.core)
                cr_expect_eq(owner_of(a), owner_of(b), "siblings cpu%u and cpu%u split", a, b);
        }
    }
}

Test(survey_config, two_cores_with_siblings)
{
    add_cpu(0, 0, 0);
    add_cpu(1, 0, 1);
    add_cpu(2, 1, 0);
    add_cpu(3, 1, 1);
    suggest_and_read();
    cr_assert_eq(config.partition_count, 2);
    const struct config_partition *dom0 = &config.partitions[0];
    cr_expect_str_eq(dom0->name, "dom0");
    cr_expect(dom0->privileged);
    cr_expect(owns(dom0, 0) && owns(dom0, 1) && dom0->cpu_count == 2);
    cr_expect_eq(dom0->device_count, 2);
    cr_expect_eq(dom0->devices[0].kind, CONFIG_DEVICE_SERIAL);
    cr_expect_eq(dom0->devices[0].port, 0x3f8);
    cr_expect_eq(dom0->devices[1].kind, CONFIG_DEVICE_FRAMEBUFFER);
    cr_expect_eq(config.hypervisor.serial_port, 0x3f8);
    cr_expect(owns(&config.partitions[1], 2) && owns(&config.partitions[1], 3));
    expect_whole_cores();
}

/* Firmware that lists every core's first thread, then every second one. */
Test(survey_config, siblings_listed_apart_stay_together)
{
    for (unsigned t = 0; t < 2; t++)
        for (unsigned c = 0; c < 4; c++)
            add_cpu(c * 2 + t, c, t);
    suggest_and_read();
    cr_expect_eq(config.partition_count, 4);
    expect_whole_cores();
}

Test(survey_config, boot_cpu_listed_late_is_cpu0)
{
    add_cpu(0, 0, 0);
    add_cpu(2, 1, 0);
    add_cpu(4, 2, 0);
    machine.cpus[0].bsp = false;
    machine.cpus[2].bsp = true; /* core 2 holds the boot CPU */
    suggest_and_read();
    cr_expect_eq(config.partitions[0].cpu_count, 1);
    cr_expect(owns(&config.partitions[0], 0));
    expect_whole_cores();
}

Test(survey_config, many_cores_share_seven_partitions)
{
    for (unsigned c = 0; c < 64; c++)
        add_cpu(c, c, 0);
    suggest_and_read();
    cr_expect_eq(config.partition_count, CONFIG_MAX_PARTITIONS);
    expect_whole_cores();
}

/* P-cores with two threads, E-cores with one. */
Test(survey_config, hybrid_cores)
{
    for (unsigned c = 0; c < 2; c++) {
        add_cpu(c * 2, c, 0);
        add_cpu(c * 2 + 1, c, 1);
    }
    for (unsigned c = 2; c < 6; c++)
        add_cpu(c * 2 + 4, c, 0);
    suggest_and_read();
    cr_expect_eq(config.partition_count, 6);
    expect_whole_cores();
}

Test(survey_config, one_cpu_gets_dom0_only)
{
    add_cpu(0, 0, 0);
    suggest_and_read();
    cr_expect_eq(config.partition_count, 1);
    cr_expect_str_eq(config.partitions[0].name, "dom0");
}

Test(survey_config, small_memory_gets_dom0_only)
{
    add_cpu(0, 0, 0);
    add_cpu(1, 1, 0);
    machine.usable_bytes = 100ull << 20;
    suggest_and_read();
    cr_expect_eq(config.partition_count, 1);
}

Test(survey_config, no_console_devices)
{
    add_cpu(0, 0, 0);
    machine.serial_count = 0;
    machine.has_framebuffer = false;
    suggest_and_read();
    cr_expect_eq(config.hypervisor.serial_port, 0);
    cr_expect_eq(config.partitions[0].device_count, 0);
}

Test(survey_config, guests_split_the_memory_left)
{
    add_cpu(0, 0, 0);
    add_cpu(1, 1, 0);
    add_cpu(2, 2, 0);
    suggest_and_read();
    uint64_t total = 0;
    for (unsigned i = 0; i < config.partition_count; i++)
        total += config.partitions[i].memory;
    cr_expect_leq(total, machine.usable_bytes - (64ull << 20));
    cr_expect_geq(total, machine.usable_bytes / 2);
    cr_expect_eq(config.partitions[1].memory, config.partitions[2].memory);
}
