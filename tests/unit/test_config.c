/* Unit tests of the config reader (lib/config.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/config_expect.h"

static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);

    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* ---- accepted files ------------------------------------------------------ */

Test(config, empty_file_gives_defaults)
{
    expect_ok("");
    cr_expect_eq(config.hypervisor.serial_port, 0x3f8);
    cr_expect(config.hypervisor.framebuffer);
    cr_expect_str_eq(config.hypervisor.probe_image, "");
    cr_expect_eq(config.hypervisor.on_finish, CONFIG_FINISH_POWEROFF);
}

Test(config, set_defaults_matches_empty_file)
{
    struct config defaults;

    memset(&defaults, 0x5a, sizeof(defaults));
    config_set_defaults(&defaults);
    expect_ok("");
    cr_expect_eq(defaults.hypervisor.serial_port, config.hypervisor.serial_port);
    cr_expect_eq(defaults.hypervisor.framebuffer, config.hypervisor.framebuffer);
    cr_expect_str_eq(defaults.hypervisor.probe_image, config.hypervisor.probe_image);
    cr_expect_eq(defaults.hypervisor.on_finish, config.hypervisor.on_finish);
}

Test(config, every_key)
{
    expect_ok("[hypervisor]\n"
              "serial = 0x2f8\n"
              "framebuffer = no\n"
              "probe = vmx-probe.bin\n"
              "on_finish = halt\n"
              "crash_test = stack-overflow\n");
    cr_expect_eq(config.hypervisor.serial_port, 0x2f8);
    cr_expect_not(config.hypervisor.framebuffer);
    cr_expect_str_eq(config.hypervisor.probe_image, "vmx-probe.bin");
    cr_expect_eq(config.hypervisor.on_finish, CONFIG_FINISH_HALT);
    cr_expect_eq(config.hypervisor.crash_test, CONFIG_CRASH_TEST_STACK_OVERFLOW);
}

Test(config, partition_script)
{
    expect_ok("[partition dom0]\ncpus = 0\nmemory = 4M\nimage = dom0.elf\n"
              "script = list; stop web ; wait web stopped\n");
    cr_expect_str_eq(config.partitions[0].script, "list; stop web ; wait web stopped");
    expect_ok("[partition dom0]\ncpus = 0\nmemory = 4M\nimage = dom0.elf\n");
    cr_expect_str_eq(config.partitions[0].script, "");

    char text[400] = "[partition dom0]\ncpus = 0\nmemory = 4M\nimage = dom0.elf\nscript = ";
    size_t at = strlen(text);
    memset(text + at, 'x', CONFIG_SCRIPT_LEN);
    text[at + CONFIG_SCRIPT_LEN] = '\n';
    cr_expect_eq(parse_n(text, at + CONFIG_SCRIPT_LEN + 1), -1, "too long");
    cr_expect_eq(error.line, 5);
}

Test(config, crash_test_values)
{
    expect_ok("[hypervisor]\ncrash_test = page-fault\n");
    cr_expect_eq(config.hypervisor.crash_test, CONFIG_CRASH_TEST_PAGE_FAULT);
    expect_ok("[hypervisor]\ncrash_test = none\n");
    cr_expect_eq(config.hypervisor.crash_test, CONFIG_CRASH_TEST_NONE);
    expect_ok("[hypervisor]\ncrash_test = nmi\n");
    cr_expect_eq(config.hypervisor.crash_test, CONFIG_CRASH_TEST_NMI);
    cr_expect_eq(
        parse_n("[hypervisor]\ncrash_test = yes\n", strlen("[hypervisor]\ncrash_test = yes\n")),
        -1);
    cr_expect_eq(error.line, 2);
}

Test(config, on_fault_values)
{
    expect_ok("[hypervisor]\n");
    cr_expect_eq(config.hypervisor.on_fault, CONFIG_FAULT_STOP);
    expect_ok("[hypervisor]\non_fault = reboot\n");
    cr_expect_eq(config.hypervisor.on_fault, CONFIG_FAULT_REBOOT);
    expect_ok("[hypervisor]\non_fault = stop\n");
    cr_expect_eq(config.hypervisor.on_fault, CONFIG_FAULT_STOP);
    cr_expect_eq(
        parse_n("[hypervisor]\non_fault = halt\n", strlen("[hypervisor]\non_fault = halt\n")), -1);
    cr_expect_eq(error.line, 2);
}

Test(config, survey_values)
{
    expect_ok("[hypervisor]\n");
    cr_expect_not(config.hypervisor.survey);
    expect_ok("[hypervisor]\nsurvey = yes\n");
    cr_expect(config.hypervisor.survey);
    cr_expect_eq(parse_n("[hypervisor]\nsurvey = 1\n", strlen("[hypervisor]\nsurvey = 1\n")), -1);
    cr_expect_eq(error.line, 2);
}

Test(config, delay_ap_values)
{
    expect_ok("[hypervisor]\ndelay_ap = 3\n");
    cr_expect_eq(config.hypervisor.delay_ap, 3);
    expect_ok("[hypervisor]\ndelay_ap = none\n");
    cr_expect_eq(config.hypervisor.delay_ap, 0);
    expect_ok("[hypervisor]\n");
    cr_expect_eq(config.hypervisor.delay_ap, 0, "off unless asked for");
    const char *boot_cpu = "[hypervisor]\ndelay_ap = 0\n",
               *too_big = "[hypervisor]\ndelay_ap = 256\n";
    cr_expect_eq(parse_n(boot_cpu, strlen(boot_cpu)), -1, "cpu0 is running already");
    cr_expect_eq(parse_n(too_big, strlen(too_big)), -1);
    cr_expect_eq(error.line, 2);
}

Test(config, timestamps_values)
{
    expect_ok("[hypervisor]\n");
    cr_expect_not(config.hypervisor.timestamps, "off unless asked for");
    expect_ok("[hypervisor]\ntimestamps = yes\n");
    cr_expect(config.hypervisor.timestamps);
    const char *word = "[hypervisor]\n\ntimestamps = on\n";
    cr_expect_eq(parse_n(word, strlen(word)), -1);
    cr_expect_eq(error.line, 3);
    cr_expect(strstr(error.message, "yes or no"), "%s", error.message);
}

Test(config, ioreq_poll_values)
{
    expect_ok("[hypervisor]\n");
    cr_expect_eq(config.hypervisor.ioreq_poll_us, 0, "off unless asked for");
    expect_ok("[hypervisor]\nioreq_poll = 50\n");
    cr_expect_eq(config.hypervisor.ioreq_poll_us, 50);
    const char *too_long = "[hypervisor]\n\nioreq_poll = 1001\n",
               *word = "[hypervisor]\nioreq_poll = on\n";
    cr_expect_eq(parse_n(too_long, strlen(too_long)), -1);
    cr_expect_eq(error.line, 3);
    cr_expect_eq(parse_n(word, strlen(word)), -1);
}

Test(config, shipped_default_config)
{
    FILE *file = fopen("config/bulkhead.cfg", "rb");
    char text[8192];
    size_t len;

    cr_assert_not_null(file, "run from the top of the tree");
    len = fread(text, 1, sizeof(text), file);
    fclose(file);
    cr_assert_eq(parse_n(text, len), 0, "%u: %s", error.line, error.message);
    cr_expect_eq(config.hypervisor.serial_port, 0x3f8);
    cr_expect(config.hypervisor.framebuffer);
    cr_expect_str_eq(config.hypervisor.probe_image, "probe.bin");
    cr_expect_eq(config.hypervisor.on_finish, CONFIG_FINISH_POWEROFF);
    cr_expect_eq(config.hypervisor.crash_test, CONFIG_CRASH_TEST_NONE);
}

Test(config, serial_forms)
{
    expect_ok("[hypervisor]\nserial = 1016\n");
    cr_expect_eq(config.hypervisor.serial_port, 0x3f8);
    expect_ok("[hypervisor]\nserial = 0X2E8\n");
    cr_expect_eq(config.hypervisor.serial_port, 0x2e8);
    expect_ok("[hypervisor]\nserial = 0xffff\n");
    cr_expect_eq(config.hypervisor.serial_port, 0xffff);
    expect_ok("[hypervisor]\nserial = none\n");
    cr_expect_eq(config.hypervisor.serial_port, 0);
}

Test(config, probe_none_and_longest_name)
{
    char text[128];
    char *name = repeat('p', CONFIG_NAME_LEN - 1);

    expect_ok("[hypervisor]\nprobe = none\n");
    cr_expect_str_eq(config.hypervisor.probe_image, "");
    snprintf(text, sizeof(text), "[hypervisor]\nprobe = %s\n", name);
    expect_ok(text);
    cr_expect_str_eq(config.hypervisor.probe_image, name);
    free(name);
}

Test(config, comments_blank_lines_and_whitespace)
{
    expect_ok("# a comment\n"
              "\n"
              "   \t  \n"
              "  [hypervisor]   # trailing comment\n"
              "\t# indented comment\n"
              "  serial\t=\t0x2f8   # COM2\n"
              "framebuffer=no\n"
              "probe   =   a=b.bin\n");
    cr_expect_eq(config.hypervisor.serial_port, 0x2f8);
    cr_expect_not(config.hypervisor.framebuffer);
    cr_expect_str_eq(config.hypervisor.probe_image, "a=b.bin");
}

Test(config, crlf_line_ends)
{
    expect_ok("# windows\r\n[hypervisor]\r\nserial = 0x2f8\r\nprobe = p.bin\r\n");
    cr_expect_eq(config.hypervisor.serial_port, 0x2f8);
    cr_expect_str_eq(config.hypervisor.probe_image, "p.bin");
    expect_error("[hypervisor]\r\n\r\nserial = 0x2f8\r\nbogus = 1\r\n", 4, "unknown key");
}

Test(config, last_line_without_newline)
{
    expect_ok("[hypervisor]\nprobe = last.bin");
    cr_expect_str_eq(config.hypervisor.probe_image, "last.bin");
    expect_ok("[hypervisor]\nprobe = last.bin\r");
    cr_expect_str_eq(config.hypervisor.probe_image, "last.bin");
}

Test(config, utf8_byte_order_mark)
{
    expect_ok("\xef\xbb\xbf[hypervisor]\nserial = none\n");
    cr_expect_eq(config.hypervisor.serial_port, 0);
}

Test(config, utf8_in_comments)
{
    expect_ok("# Konfiguration für Bulkhead\n[hypervisor]\n");
}

/* Only len bytes are read: nothing after them, and no terminator is needed. */
Test(config, reads_exactly_len_bytes)
{
    static const char source[] = "[hypervisor]\nserial = 0x2f8";
    char *exact = malloc(sizeof(source) - 1);

    memcpy(exact, source, sizeof(source) - 1);
    cr_assert_eq(parse_n(exact, sizeof(source) - 1), 0, "%s", error.message);
    cr_expect_eq(config.hypervisor.serial_port, 0x2f8);
    free(exact);

    cr_assert_eq(parse_n("[hypervisor]\nserial = 0x2f8 junk", 27), 0, "%s", error.message);
    cr_expect_eq(config.hypervisor.serial_port, 0x2f8);
}

Test(config, longest_line)
{
    char *line = repeat(' ', 255);
    char text[300];

    memcpy(line, "# ", 2);
    snprintf(text, sizeof(text), "%s\r\n[hypervisor]\n", line);
    expect_ok(text);
    free(line);
}

/* ---- errors, each on its exact line ---------------------------------------- */

Test(config, unknown_section)
{
    expect_error("# c\n\n[hypervisr]\n", 3, "unknown section [hypervisr]");
    expect_error("[partitions dom0]\n", 1, "known sections are [hypervisor], [partition NAME]");
}

Test(config, unknown_key)
{
    expect_error("[hypervisor]\nserial = 0x3f8\nbaud = 115200\n", 3, "unknown key 'baud'");
    expect_error("[hypervisor]\nSerial = 0x3f8\n", 2, "known keys are serial, framebuffer");
}

Test(config, bad_serial)
{
    expect_error("[hypervisor]\nserial = 0\n", 2, "bad value '0' for 'serial'");
    expect_error("[hypervisor]\nserial = 0x10000\n", 2, "0xffff");
    expect_error("[hypervisor]\nserial = 99999999999999999999999\n", 2, "bad value");
    expect_error("[hypervisor]\nserial = 0x\n", 2, "bad value");
    expect_error("[hypervisor]\nserial = -1\n", 2, "bad value");
    expect_error("[hypervisor]\nserial = 0x3f8g\n", 2, "bad value");
    expect_error("[hypervisor]\nserial = COM1\n", 2, "expected none or an I/O port");
}

Test(config, bad_framebuffer)
{
    expect_error("[hypervisor]\nframebuffer = true\n", 2, "expected yes or no");
    expect_error("[hypervisor]\nframebuffer = YES\n", 2, "expected yes or no");
}

Test(config, bad_probe)
{
    char *name = repeat('p', CONFIG_NAME_LEN);
    char text[128];

    snprintf(text, sizeof(text), "[hypervisor]\nprobe = %s\n", name);
    expect_error(text, 2, "1 to 63 characters");
    expect_error("[hypervisor]\nprobe = guests/probe.bin\n", 2, "path separators");
    expect_error("[hypervisor]\nprobe = EFI\\probe.bin\n", 2, "bad value");
    expect_error("[hypervisor]\nprobe = my probe.bin\n", 2, "without spaces");
    expect_error("[hypervisor]\nprobe = pr\xc3\xb6"
                 "be.bin\n",
                 2, "bad value");
    free(name);
}

Test(config, bad_on_finish)
{
    expect_error("[hypervisor]\non_finish = reboot\n", 2, "expected poweroff or halt");
}

Test(config, missing_value)
{
    expect_error("[hypervisor]\nserial =   # later\n", 2, "'serial' has no value");
}

Test(config, key_given_twice)
{
    expect_error("[hypervisor]\nserial = 0x3f8\nframebuffer = no\nserial = none\n", 4,
                 "'serial' is given twice in [hypervisor] (first on line 2)");
}

Test(config, section_given_twice)
{
    expect_error("[hypervisor]\nserial = none\n\n[hypervisor]\n", 4,
                 "section [hypervisor] is given twice (first on line 1)");
}

Test(config, line_too_long)
{
    char *line = repeat('#', 256);
    char text[300];

    snprintf(text, sizeof(text), "[hypervisor]\n%s\n", line);
    expect_error(text, 2, "longer than 255 characters");
    free(line);
}

Test(config, missing_equals)
{
    expect_error("[hypervisor]\nserial 0x3f8\n", 2, "expected 'key = value'");
}

Test(config, missing_key)
{
    expect_error("[hypervisor]\n = 0x3f8\n", 2, "missing key name");
}

Test(config, key_outside_section)
{
    expect_error("# top\nserial = 0x3f8\n[hypervisor]\n", 2, "before any section header");
}

Test(config, malformed_headers)
{
    expect_error("[hypervisor\n", 1, "missing its closing ']'");
    expect_error("[hypervisor] serial = 1\n", 1, "unexpected text 'serial = 1' after");
    expect_error("[ ]\n", 1, "empty section header");
    expect_error("[hypervisor main]\n", 1, "takes no name");
}

Test(config, non_text_bytes)
{
    static const char nul[] = "[hypervisor]\nserial = 0x3\0f8\n";

    expect_error_n(nul, sizeof(nul) - 1, 2, "non-text byte 0x00 in column 13");
    expect_error("[hypervisor]\n# bell \a\n", 2, "non-text byte 0x07");
    expect_error("\x7f\n", 1, "non-text byte 0x7f");
    expect_error("[hypervisor]\x1b\n", 1, "plain text");
}

Test(config, first_error_wins)
{
    expect_error("[hypervisor]\nbogus = 1\n[nothing]\n\x01\n", 2, "unknown key");
}

Test(config, truncated_input)
{
    expect_error("[hyperv", 1, "missing its closing ']'");
    expect_error("[hypervisor]\nser", 2, "expected 'key = value'");
    expect_ok("[hypervisor]\nserial = 0x3");
    cr_expect_eq(config.hypervisor.serial_port, 3);
}

/* ---- messages ------------------------------------------------------------ */

Test(config, long_input_is_shortened_in_messages)
{
    char *key = repeat('k', 200);
    char text[300];

    snprintf(text, sizeof(text), "[hypervisor]\n%s = 1\n", key);
    expect_error(text, 2, "...'");
    cr_expect_lt(strlen(error.message), CONFIG_MESSAGE_LEN);
    free(key);
}

Test(config, unprintable_input_is_masked_in_messages)
{
    expect_error("[hypervisor]\nprobe = \xe2\x82\xac.bin\n", 2, "'???.bin'");
}

Test(config, error_file_name)
{
    char *long_name = repeat('f', 100);

    cr_assert_eq(config_parse("x", 1, long_name, &config, &error), -1);
    cr_expect_eq(strlen(error.file), CONFIG_NAME_LEN - 1);
    cr_assert_eq(config_parse("x", 1, NULL, &config, &error), -1);
    cr_expect_gt(strlen(error.file), 0);
    free(long_name);
}

Test(config, format_error)
{
    char buf[256];

    expect_error("\n\nbogus\n", 3, "expected");
    config_format_error(&error, buf, sizeof(buf));
    cr_expect_str_eq(buf, "test.cfg:3: expected 'key = value' or '[section]' but found 'bogus'");
}

Test(config, format_error_without_line)
{
    struct config_error e = {.file = "bulkhead.cfg", .line = 0, .message = "not found"};
    char buf[64];

    config_format_error(&e, buf, sizeof(buf));
    cr_expect_str_eq(buf, "bulkhead.cfg: not found");
}

Test(config, format_error_truncates)
{
    struct config_error e = {.file = "bulkhead.cfg", .line = 12, .message = "problem"};
    char buf[8];

    memset(buf, 'x', sizeof(buf));
    config_format_error(&e, buf, sizeof(buf));
    cr_expect_str_eq(buf, "bulkhea");
    config_format_error(&e, buf, 1);
    cr_expect_str_eq(buf, "");
    config_format_error(&e, NULL, 0);
}

/* ---- image list ---------------------------------------------------------- */

Test(config, images_none)
{
    expect_ok("[hypervisor]\n");
    cr_expect_eq(config_image_count(&config), 0);
    cr_expect_null(config_image_name(&config, 0));
}

Test(config, images_probe)
{
    expect_ok("[hypervisor]\nprobe = probe.bin\n");
    cr_assert_eq(config_image_count(&config), 1);
    cr_expect_str_eq(config_image_name(&config, 0), "probe.bin");
    cr_expect_null(config_image_name(&config, 1));
}

Test(config, images_of_partitions_follow_the_probe_once_each)
{
    expect_ok("[hypervisor]\nprobe = probe.bin\n"
              "[partition a]\ncpus = 0\nmemory = 1M\nimage = a.bin\n"
              "[partition b]\ncpus = 1\nmemory = 1M\nimage = probe.bin\n"
              "[partition c]\ncpus = 2\nmemory = 1M\nimage = a.bin\n"
              "[partition d]\ncpus = 3\nmemory = 1M\nimage = d.bin\n");
    cr_assert_eq(config_image_count(&config), 3);
    cr_expect_str_eq(config_image_name(&config, 0), "probe.bin");
    cr_expect_str_eq(config_image_name(&config, 1), "a.bin");
    cr_expect_str_eq(config_image_name(&config, 2), "d.bin");
    cr_expect_null(config_image_name(&config, 3));
}

Test(config, images_of_partitions_without_probe)
{
    expect_ok("[partition a]\ncpus = 0\nmemory = 1M\nimage = a.bin\n");
    cr_assert_eq(config_image_count(&config), 1);
    cr_expect_str_eq(config_image_name(&config, 0), "a.bin");
    cr_expect_null(config_image_name(&config, 1));
}

/* ---- [partition NAME] ---------------------------------------------------- */

#define MINIMAL_PARTITION "cpus = 1\nmemory = 16M\nimage = probe\n"

static const struct config_partition *partition(unsigned index)
{
    cr_assert_lt(index, config.partition_count);
    return &config.partitions[index];
}

static void expect_cpus(unsigned index, const unsigned *cpus, unsigned count)
{
    const struct config_partition *p = partition(index);
    unsigned found = 0;

    for (unsigned cpu = 0; cpu < CONFIG_MAX_CPUS; cpu++) {
        if (!config_partition_has_cpu(p, cpu))
            continue;
        cr_assert_lt(found, count, "cpu %u is unexpected", cpu);
        cr_expect_eq(cpu, cpus[found], "cpu %u where %u was expected", cpu, cpus[found]);
        found++;
    }
    cr_expect_eq(found, count);
    cr_expect_eq(p->cpu_count, count);
}

Test(config, no_partitions_by_default)
{
    expect_ok("[hypervisor]\n");
    cr_expect_eq(config.partition_count, 0);
}

Test(config, partition_defaults)
{
    expect_ok("[partition probe-1]\n" MINIMAL_PARTITION);
    cr_assert_eq(config.partition_count, 1);
    cr_expect_str_eq(partition(0)->name, "probe-1");
    cr_expect_eq(partition(0)->memory, 16u << 20);
    cr_expect_str_eq(partition(0)->image, "probe");
    cr_expect_eq(partition(0)->mode, CONFIG_MODE_FULL);
    cr_expect_not(partition(0)->privileged);
    cr_expect_eq(partition(0)->on_crash, CONFIG_ON_CRASH_STOP);
    cr_expect_eq(partition(0)->console, CONFIG_CONSOLE_DEBUGCON);
    cr_expect_eq(partition(0)->time_limit_seconds, 0);
    expect_cpus(0, (const unsigned[]){1}, 1);
}

Test(config, partition_every_key_and_its_lines)
{
    expect_ok("[hypervisor]\n"
              "\n"
              "[partition Dom_0]\n"
              "mode = pv\n"
              "image = linux.bin\n"
              "privileged = yes\n"
              "memory = 2G\n"
              "on_crash = restart\n"
              "console = none\n"
              "time_limit = 3600\n"
              "cpus = 0\n");
    cr_expect_str_eq(partition(0)->name, "Dom_0");
    cr_expect_eq(partition(0)->mode, CONFIG_MODE_PV);
    cr_expect_str_eq(partition(0)->image, "linux.bin");
    cr_expect(partition(0)->privileged);
    cr_expect_eq(partition(0)->memory, 2ull << 30);
    cr_expect_eq(partition(0)->on_crash, CONFIG_ON_CRASH_RESTART);
    cr_expect_eq(partition(0)->console, CONFIG_CONSOLE_NONE);
    cr_expect_eq(partition(0)->time_limit_seconds, 3600);
    cr_expect_eq(partition(0)->line, 3);
    cr_expect_eq(partition(0)->image_line, 5);
    cr_expect_eq(partition(0)->memory_line, 7);
    cr_expect_eq(partition(0)->cpus_line, 11);
}

Test(config, partition_other_values)
{
    expect_ok("[partition a]\n" MINIMAL_PARTITION "mode = full\nprivileged = no\n"
              "on_crash = stop\nconsole = debugcon\ntime_limit = 0\n");
    cr_expect_eq(partition(0)->mode, CONFIG_MODE_FULL);
    cr_expect_not(partition(0)->privileged);
    cr_expect_eq(partition(0)->on_crash, CONFIG_ON_CRASH_STOP);
    cr_expect_eq(partition(0)->console, CONFIG_CONSOLE_DEBUGCON);
    cr_expect_eq(partition(0)->time_limit_seconds, 0);
    expect_ok("[partition a]\n" MINIMAL_PARTITION "time_limit = 1\n");
    cr_expect_eq(partition(0)->time_limit_seconds, 1);
}

Test(config, on_reboot_restarts_unless_told_to_stop)
{
    expect_ok("[partition a]\n" MINIMAL_PARTITION);
    cr_expect_not(partition(0)->stop_on_reboot);
    expect_ok("[partition a]\n" MINIMAL_PARTITION "on_reboot = stop\n");
    cr_expect(partition(0)->stop_on_reboot);
    expect_ok("[partition a]\n" MINIMAL_PARTITION "on_reboot = restart\n");
    cr_expect_not(partition(0)->stop_on_reboot);
    expect_error("[partition a]\n" MINIMAL_PARTITION "on_reboot = halt\n", 5, "restart or stop");
}

Test(config, cpu_lists_and_ranges)
{
    expect_ok("[partition a]\ncpus = 0, 2-3\nmemory = 1M\nimage = a\n"
              "[partition b]\ncpus = 5 ,4,  63-65 , 255\nmemory = 1M\nimage = b\n"
              "[partition c]\ncpus = 7-7\nmemory = 1M\nimage = c\n"
              "[partition d]\ncpus = 100 - 102\nmemory = 1M\nimage = d\n");
    expect_cpus(0, (const unsigned[]){0, 2, 3}, 3);
    expect_cpus(1, (const unsigned[]){4, 5, 63, 64, 65, 255}, 6);
    expect_cpus(2, (const unsigned[]){7}, 1);
    expect_cpus(3, (const unsigned[]){100, 101, 102}, 3);
    cr_expect_not(config_partition_has_cpu(partition(0), 1));
    cr_expect_not(config_partition_has_cpu(partition(0), 256));
    cr_expect_not(config_partition_has_cpu(partition(0), ~0u));
}

Test(config, every_cpu_in_one_partition)
{
    expect_ok("[partition all]\ncpus = 0-255\nmemory = 1M\nimage = a\n");
    cr_expect_eq(partition(0)->cpu_count, 256);
    cr_expect(config_partition_has_cpu(partition(0), 255));
}

Test(config, memory_sizes)
{
    static const struct {
        const char *text;
        uint64_t bytes;
    } sizes[] = {
        {"1M", 1ull << 20},      {"1m", 1ull << 20},       {"1024K", 1ull << 20},
        {"1048576", 1ull << 20}, {"0x100000", 1ull << 20}, {"64G", 64ull << 30},
        {"65536M", 64ull << 30}, {"1028k", 1028ull << 10}, {"3g", 3ull << 30},
        {"512 M", 512ull << 20},
    };
    char text[128];

    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        snprintf(text, sizeof(text), "[partition a]\ncpus = 0\nimage = a\nmemory = %s\n",
                 sizes[i].text);
        expect_ok(text);
        cr_expect_eq(partition(0)->memory, sizes[i].bytes, "%s", sizes[i].text);
    }
}

Test(config, eight_partitions)
{
    char text[1024];
    size_t len = 0;

    for (unsigned i = 0; i < CONFIG_MAX_PARTITIONS; i++)
        len += (size_t)snprintf(text + len, sizeof(text) - len,
                                "[partition p%u]\ncpus = %u\nmemory = 1M\nimage = p\n", i, i);
    expect_ok(text);
    cr_expect_eq(config.partition_count, CONFIG_MAX_PARTITIONS);
    cr_expect_eq(config_image_count(&config), 1);
}

Test(config, longest_partition_name)
{
    char text[128];
    char *name = repeat('n', CONFIG_PARTITION_NAME_LEN - 1);

    snprintf(text, sizeof(text), "[partition %s]\n" MINIMAL_PARTITION, name);
    expect_ok(text);
    cr_expect_str_eq(partition(0)->name, name);
    free(name);
}

/* Reads a shipped config file into `config`; the file must parse. */
static void parse_shipped(const char *path)
{
    FILE *file = fopen(path, "rb");
    char text[8192];
    size_t len;

    cr_assert_not_null(file, "run from the top of the tree");
    len = fread(text, 1, sizeof(text), file);
    fclose(file);
    cr_assert_eq(parse_n(text, len), 0, "%s:%u: %s", path, error.line, error.message);
}

/* The demo: three partitions on cpu1-cpu3 of a four-CPU machine. */
Test(config, shipped_default_config_runs_three_partitions)
{
    struct config_error machine_error;

    parse_shipped("config/bulkhead.cfg");
    cr_expect_eq(config.partition_count, 3);
    cr_expect_str_eq(config.partitions[0].name, "alpha");
    cr_expect(config_partition_has_cpu(&config.partitions[2], 3));
    cr_expect_eq(config_check_machine(&config, 4, 512ull << 20, &machine_error), 0);
    cr_expect_eq(config_check_machine(&config, 1, 512ull << 20, &machine_error), -1);
}

Test(config, shipped_selftest_config_has_no_partitions)
{
    parse_shipped("config/selftest.cfg");
    cr_expect_eq(config.partition_count, 0);
    cr_expect_str_eq(config.hypervisor.probe_image, "probe.bin");
}

/* The example in docs/config.md, uncommented, must stay valid. */
Test(config, documented_example)
{
    expect_ok("[hypervisor]\nserial = 0x3f8\nprobe = none\n\n"
              "[partition linux]\ncpus = 0-1\nmemory = 2G\nimage = linux.bin\nprivileged = yes\n\n"
              "[partition web]\ncpus = 2\nmemory = 256M\nimage = web.bin\nmode = pv\n"
              "on_crash = restart\n\n"
              "[partition selftest]\ncpus = 3\nmemory = 4M\nimage = probe.bin\nconsole = none\n"
              "time_limit = 60\n");
    cr_expect_eq(config.partition_count, 3);
    cr_expect_eq(config_check_machine(&config, 4, 3ull << 30, &error), 0, "%s", error.message);
}

/* ---- [partition NAME] errors --------------------------------------------- */

Test(config, partition_needs_a_name)
{
    expect_error("[partition]\n", 1, "section [partition] needs a name, as in [partition NAME]");
}

Test(config, bad_partition_names)
{
    char text[128];
    char *name = repeat('n', CONFIG_PARTITION_NAME_LEN);

    expect_error("\n[partition web server]\n", 2,
                 "bad partition name 'web server'; expected 1 to 31 characters of A-Z, a-z");
    expect_error("[partition web.1]\n", 1, "bad partition name 'web.1'");
    expect_error("[partition caf\xc3\xa9]\n", 1,
                 "bad partition name 'caf?"
                 "?'");
    snprintf(text, sizeof(text), "[partition %s]\n", name);
    expect_error(text, 1, "bad partition name");
    free(name);
}

Test(config, duplicate_partition_name)
{
    expect_error("[partition a]\n" MINIMAL_PARTITION "\n[partition a]\n", 6,
                 "partition 'a' is given twice (first on line 1)");
}

Test(config, partition_names_are_case_sensitive)
{
    expect_ok("[partition a]\ncpus = 0\nmemory = 1M\nimage = a\n"
              "[partition A]\ncpus = 1\nmemory = 1M\nimage = a\n");
    cr_expect_eq(config.partition_count, 2);
}

Test(config, too_many_partitions)
{
    char text[1024];
    size_t len = 0;

    for (unsigned i = 0; i <= CONFIG_MAX_PARTITIONS; i++)
        len += (size_t)snprintf(text + len, sizeof(text) - len,
                                "[partition p%u]\ncpus = %u\nmemory = 1M\nimage = p\n", i, i);
    expect_error(text, 4 * CONFIG_MAX_PARTITIONS + 1, "too many partitions: at most 8");
}

Test(config, required_keys)
{
    expect_error("[partition a]\nmemory = 1M\nimage = a\n", 1,
                 "[partition a] lacks the key 'cpus', which it requires");
    expect_error("# x\n[partition a]\ncpus = 0\nimage = a\n[hypervisor]\n", 2,
                 "[partition a] lacks the key 'memory'");
    expect_error("[partition a]\ncpus = 0\nmemory = 1M\n\n[partition b]\n" MINIMAL_PARTITION, 1,
                 "[partition a] lacks the key 'image'");
    expect_error("[partition a]\n" MINIMAL_PARTITION "[partition b]\n", 5,
                 "[partition b] lacks the key 'cpus'");
}

/* A missing key is reported before a problem in the next section's header. */
Test(config, missing_key_comes_before_a_later_error)
{
    expect_error("[partition a]\ncpus = 0\n[bogus]\n", 1, "lacks the key 'memory'");
}

Test(config, partition_keys_given_twice)
{
    expect_error("[partition a]\n" MINIMAL_PARTITION "memory = 2M\n", 5,
                 "key 'memory' is given twice in [partition] (first on line 3)");
}

Test(config, keys_are_per_partition)
{
    expect_ok("[partition a]\n" MINIMAL_PARTITION "[partition b]\ncpus = 2\nmemory = 16M\n"
              "image = probe\n");
    cr_expect_eq(config.partition_count, 2);
}

Test(config, unknown_partition_key)
{
    expect_error("[partition a]\nvcpus = 1\n", 2,
                 "unknown key 'vcpus' in [partition]; known keys are cpus, memory, image");
    expect_error("[partition a]\nserial = none\n", 2, "unknown key 'serial'");
    expect_error("[hypervisor]\ncpus = 1\n", 2, "unknown key 'cpus' in [hypervisor]");
}

/* Each value, on line 2 of a partition, must be rejected with the accepted forms. */
static void expect_values_rejected(const char *key, const char *const *values, size_t count,
                                   const char *accepted)
{
    char text[128];

    for (size_t i = 0; i < count; i++) {
        snprintf(text, sizeof(text), "[partition a]\n%s = %s\n", key, values[i]);
        expect_error(text, 2, "bad value");
        cr_expect(strstr(error.message, accepted) != NULL, "%s: %s", values[i], error.message);
    }
}

#define ARRAY_LENGTH(a) (sizeof(a) / sizeof((a)[0]))

Test(config, bad_cpus)
{
    static const char *const bad[] = {"x",   "-1",    "1-",  "-",     "3-1",
                                      "256", "0-256", "1,",  ",1",    "1,,2",
                                      "1 2", "1-2-3", "one", "0x100", "99999999999999999999999"};

    expect_values_rejected("cpus", bad, ARRAY_LENGTH(bad),
                           "expected CPU numbers from 0 to 255 as a list and/or ranges, as in "
                           "0, 2-3");
    expect_error("[partition a]\ncpus =\n", 2, "'cpus' has no value");
}

Test(config, cpu_twice_in_one_list)
{
    expect_error("[partition web]\n\ncpus = 1, 2, 1\n", 3,
                 "cpu 1 is given twice in the cpus of partition 'web'");
    expect_error("[partition web]\ncpus = 0-3, 2\n", 2, "cpu 2 is given twice");
    expect_error("[partition web]\ncpus = 1-3, 0-1\n", 2, "cpu 1 is given twice");
}

Test(config, cpu_in_two_partitions)
{
    expect_error("[partition a]\ncpus = 0-2\nmemory = 1M\nimage = a\n"
                 "[partition b]\nimage = b\ncpus = 3, 2\n",
                 7, "cpu 2 is already given to partition 'a' (line 2)");
}

Test(config, bad_memory)
{
    static const char *const bad[] = {"0",
                                      "1K",
                                      "1020K",
                                      "1048577",
                                      "1M1",
                                      "65G",
                                      "68719480832",
                                      "1T",
                                      "M",
                                      "1.5G",
                                      "-1M",
                                      "1MB",
                                      "18446744073709551615G",
                                      "0x"};

    expect_values_rejected("memory", bad, ARRAY_LENGTH(bad),
                           "expected a multiple of 4K from 1M to 64G, in bytes or with a K, M or "
                           "G suffix");
    /* 1M + 4K: not a whole number of MiB, but whole pages. */
    expect_ok("[partition a]\ncpus = 0\nimage = a\nmemory = 1052672\n");
    expect_error("[partition a]\ncpus = 0\nimage = a\nmemory = 1052673\n", 4, "multiple of 4K");
}

Test(config, bad_image)
{
    char text[160];
    char *name = repeat('i', CONFIG_NAME_LEN);

    expect_error("[partition a]\nimage = none here\n", 2,
                 "bad value 'none here' for 'image'; expected a file name of 1 to 63 characters");
    expect_error("[partition a]\nimage = guests/probe\n", 2, "path separators");
    snprintf(text, sizeof(text), "[partition a]\nimage = %s\n", name);
    expect_error(text, 2, "bad value");
    free(name);
}

Test(config, bad_partition_choices)
{
    expect_error("[partition a]\nmode = hvm\n", 2,
                 "bad value 'hvm' for 'mode'; expected full or pv");
    expect_error("[partition a]\nprivileged = true\n", 2, "'privileged'; expected yes or no");
    expect_error("[partition a]\non_crash = reboot\n", 2, "'on_crash'; expected stop or restart");
    expect_error("[partition a]\nconsole = serial\n", 2,
                 "'console'; expected debugcon, none or virtio");
}

Test(config, bad_time_limit)
{
    expect_error("[partition a]\ntime_limit = 3601\n", 2,
                 "'time_limit'; expected seconds from 1 to 3600, or 0 for no limit");
    expect_error("[partition a]\ntime_limit = -1\n", 2, "bad value");
    expect_error("[partition a]\ntime_limit = 1m\n", 2, "bad value");
}

Test(config, one_privileged_partition)
{
    expect_ok("[partition a]\ncpus = 0\nmemory = 1M\nimage = a\nprivileged = yes\n"
              "[partition b]\ncpus = 1\nmemory = 1M\nimage = b\nprivileged = no\n");
    expect_error("[partition a]\ncpus = 0\nmemory = 1M\nimage = a\nprivileged = yes\n"
                 "[partition b]\ncpus = 1\nmemory = 1M\nimage = b\n\nprivileged = yes\n",
                 11, "only one partition may be privileged, and partition 'a' (line 1) is");
}

/* ---- checks against the machine ------------------------------------------- */

static const char three_partitions[] = "[partition a]\n"  /* 1 */
                                       "cpus = 0\n"       /* 2 */
                                       "memory = 1G\n"    /* 3 */
                                       "image = a\n"      /* 4 */
                                       "[partition b]\n"  /* 5 */
                                       "memory = 512M\n"  /* 6 */
                                       "cpus = 1-2\n"     /* 7 */
                                       "image = b\n"      /* 8 */
                                       "[partition c]\n"  /* 9 */
                                       "image = c\n"      /* 10 */
                                       "cpus = 5\n"       /* 11 */
                                       "memory = 256M\n"; /* 12 */

static void expect_machine_error(unsigned cpus, uint64_t bytes, unsigned line, const char *message)
{
    expect_ok(three_partitions);
    cr_assert_eq(config_check_machine(&config, cpus, bytes, &error), -1, "accepted");
    cr_expect_eq(error.line, line, "error on line %u, expected %u (%s)", error.line, line,
                 error.message);
    cr_expect_str_eq(error.message, message);
    cr_expect_str_eq(error.file, "test.cfg");
}

Test(config, machine_fits)
{
    expect_ok(three_partitions);
    cr_expect_eq(config_check_machine(&config, 6, (1ull << 30) + (768ull << 20), &error), 0, "%s",
                 error.message);
    cr_expect_eq(config_check_machine(&config, 256, UINT64_MAX, &error), 0, "%s", error.message);
}

Test(config, machine_without_partitions)
{
    expect_ok("[hypervisor]\n");
    cr_expect_eq(config_check_machine(&config, 1, 0, &error), 0);
}

Test(config, cpu_not_present)
{
    expect_machine_error(4, 8ull << 30, 11,
                         "cpu 5 is not present: this machine has 4 CPUs (cpu0-cpu3)");
    expect_machine_error(2, 8ull << 30, 7,
                         "cpu 2 is not present: this machine has 2 CPUs (cpu0-cpu1)");
    expect_machine_error(1, 8ull << 30, 7, "cpu 1 is not present: this machine has 1 CPU (cpu0)");
}

Test(config, memory_does_not_fit)
{
    expect_machine_error(8, (1ull << 30) + (767ull << 20), 12,
                         "partition 'c' does not fit: the partitions up to it ask for 1792M of "
                         "memory, but this machine has only 1791M usable");
    expect_machine_error(8, (1ull << 30) + (100ull << 20) + 12345, 6,
                         "partition 'b' does not fit: the partitions up to it ask for 1536M of "
                         "memory, but this machine has only 1124M usable");
    expect_machine_error(8, 4096, 3,
                         "partition 'a' does not fit: the partitions up to it ask for 1G of "
                         "memory, but this machine has only 4K usable");
    expect_machine_error(8, 0, 3,
                         "partition 'a' does not fit: the partitions up to it ask for 1G of "
                         "memory, but this machine has only 0 usable");
}

/* The longest names and sizes still fit in a message. */
Test(config, longest_machine_message)
{
    char text[1024];
    char *name = repeat('n', CONFIG_PARTITION_NAME_LEN - 2);
    size_t len = 0;

    for (unsigned i = 0; i < CONFIG_MAX_PARTITIONS; i++)
        len +=
            (size_t)snprintf(text + len, sizeof(text) - len,
                             "[partition %s%u]\ncpus = %u\nmemory = 64G\nimage = p\n", name, i, i);
    expect_ok(text);
    cr_assert_eq(config_check_machine(&config, 8, (512ull << 30) - 1, &error), -1);
    cr_expect_eq(error.line, 4 * 7 + 3);
    cr_expect(strstr(error.message,
                     "ask for 512G of memory, but this machine has only 524287M usable") != NULL,
              "%s", error.message);
    free(name);
}

Test(config, machine_error_names_the_file)
{
    char buf[256];

    cr_assert_eq(config_parse(three_partitions, sizeof(three_partitions) - 1, "bulkhead.cfg",
                              &config, &error),
                 0);
    cr_assert_eq(config_check_machine(&config, 4, 8ull << 30, &error), -1);
    config_format_error(&error, buf, sizeof(buf));
    cr_expect_str_eq(buf, "bulkhead.cfg:11: cpu 5 is not present: this machine has 4 CPUs "
                          "(cpu0-cpu3)");
}
