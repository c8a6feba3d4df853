/*
 * The [hypervisor] section: the console port, the framebuffer, the probe
 * image and what to do when every partition has stopped.
 */
#include "lib/config_reader.h"

static bool parse_serial(struct config_reader *reader, struct span value)
{
    uint64_t port;

    if (span_equals(value, "none")) {
        reader->config->hypervisor.serial_port = 0;
        return true;
    }
    if (!span_to_u64(value, &port) || port == 0 || port > 0xffff)
        return false;
    reader->config->hypervisor.serial_port = (uint16_t)port;
    return true;
}

static bool parse_framebuffer(struct config_reader *reader, struct span value)
{
    return parse_yes_no(value, &reader->config->hypervisor.framebuffer);
}

static bool parse_probe(struct config_reader *reader, struct span value)
{
    if (span_equals(value, "none")) {
        reader->config->hypervisor.probe_image[0] = '\0';
        return true;
    }
    return parse_file_name(value, reader->config->hypervisor.probe_image);
}

static bool parse_on_finish(struct config_reader *reader, struct span value)
{
    enum config_on_finish *on_finish = &reader->config->hypervisor.on_finish;

    if (span_equals(value, "poweroff"))
        *on_finish = CONFIG_FINISH_POWEROFF;
    else if (span_equals(value, "halt"))
        *on_finish = CONFIG_FINISH_HALT;
    else
        return false;
    return true;
}

static bool parse_crash_test(struct config_reader *reader, struct span value)
{
    enum config_crash_test *test = &reader->config->hypervisor.crash_test;

    if (span_equals(value, "none"))
        *test = CONFIG_CRASH_TEST_NONE;
    else if (span_equals(value, "page-fault"))
        *test = CONFIG_CRASH_TEST_PAGE_FAULT;
    else if (span_equals(value, "stack-overflow"))
        *test = CONFIG_CRASH_TEST_STACK_OVERFLOW;
    else if (span_equals(value, "nmi"))
        *test = CONFIG_CRASH_TEST_NMI;
    else if (span_equals(value, "exit-faults"))
        *test = CONFIG_CRASH_TEST_EXIT_FAULTS;
    else
        return false;
    return true;
}

static bool parse_on_fault(struct config_reader *reader, struct span value)
{
    enum config_on_fault *on_fault = &reader->config->hypervisor.on_fault;

    if (span_equals(value, "stop"))
        *on_fault = CONFIG_FAULT_STOP;
    else if (span_equals(value, "reboot"))
        *on_fault = CONFIG_FAULT_REBOOT;
    else
        return false;
    return true;
}

static bool parse_survey(struct config_reader *reader, struct span value)
{
    return parse_yes_no(value, &reader->config->hypervisor.survey);
}

/* cpu0 is the boot CPU, which is running already. */
static bool parse_delay_ap(struct config_reader *reader, struct span value)
{
    uint64_t cpu;

    if (span_equals(value, "none")) {
        reader->config->hypervisor.delay_ap = 0;
        return true;
    }
    if (!span_to_u64(value, &cpu) || cpu == 0 || cpu >= CONFIG_MAX_CPUS)
        return false;
    reader->config->hypervisor.delay_ap = (unsigned)cpu;
    return true;
}

#define IOREQ_POLL_MAX_US 1000

static bool parse_ioreq_poll(struct config_reader *reader, struct span value)
{
    uint64_t us;

    if (!span_to_u64(value, &us) || us > IOREQ_POLL_MAX_US)
        return false;
    reader->config->hypervisor.ioreq_poll_us = (unsigned)us;
    return true;
}

static bool parse_timestamps(struct config_reader *reader, struct span value)
{
    return parse_yes_no(value, &reader->config->hypervisor.timestamps);
}

static const struct key_handler hypervisor_keys[] = {
    {"serial", parse_serial, "none or an I/O port from 0x1 to 0xffff, in hex or decimal",
     KEY_OPTIONAL},
    {"framebuffer", parse_framebuffer, "yes or no", KEY_OPTIONAL},
    {"probe", parse_probe,
     "none or a file name of 1 to 63 characters without spaces or path separators", KEY_OPTIONAL},
    {"on_finish", parse_on_finish, "poweroff or halt", KEY_OPTIONAL},
    {"crash_test", parse_crash_test, "none, page-fault, stack-overflow, nmi or exit-faults",
     KEY_OPTIONAL},
    {"on_fault", parse_on_fault, "stop or reboot", KEY_OPTIONAL},
    {"survey", parse_survey, "yes or no", KEY_OPTIONAL},
    {"delay_ap", parse_delay_ap, "none or a CPU number from 1 to 255", KEY_OPTIONAL},
    {"ioreq_poll", parse_ioreq_poll, "microseconds from 0 to 1000", KEY_OPTIONAL},
    {"timestamps", parse_timestamps, "yes or no", KEY_OPTIONAL},
};

_Static_assert(ARRAY_LENGTH(hypervisor_keys) <= CONFIG_MAX_KEYS, "raise CONFIG_MAX_KEYS");

const struct section_type config_hypervisor_section = {
    "hypervisor", false, NULL, hypervisor_keys, ARRAY_LENGTH(hypervisor_keys), NULL,
};
