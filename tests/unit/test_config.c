/* Unit tests of the config reader (hv/config.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/config.h"

static struct config config;
static struct config_error error;

static int parse_n(const char *text, size_t len)
{
    return config_parse(text, len, "test.cfg", &config, &error);
}

static int parse(const char *text)
{
    return parse_n(text, strlen(text));
}

static void expect_ok(const char *text)
{
    cr_assert_eq(parse(text), 0, "rejected: %u: %s", error.line, error.message);
}

/* The parse must fail on exactly this line, with a message containing fragment. */
static void expect_error_n(const char *text, size_t len, unsigned line, const char *fragment)
{
    cr_assert_eq(parse_n(text, len), -1, "accepted a bad config");
    cr_expect_eq(error.line, line, "error on line %u, expected %u (%s)", error.line, line,
                 error.message);
    cr_expect(strstr(error.message, fragment) != NULL, "message \"%s\" lacks \"%s\"", error.message,
              fragment);
    cr_expect_str_eq(error.file, "test.cfg");
}

static void expect_error(const char *text, unsigned line, const char *fragment)
{
    expect_error_n(text, strlen(text), line, fragment);
}

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

Test(config, crash_test_values)
{
    expect_ok("[hypervisor]\ncrash_test = page-fault\n");
    cr_expect_eq(config.hypervisor.crash_test, CONFIG_CRASH_TEST_PAGE_FAULT);
    expect_ok("[hypervisor]\ncrash_test = none\n");
    cr_expect_eq(config.hypervisor.crash_test, CONFIG_CRASH_TEST_NONE);
    cr_expect_eq(
        parse_n("[hypervisor]\ncrash_test = yes\n", strlen("[hypervisor]\ncrash_test = yes\n")),
        -1);
    cr_expect_eq(error.line, 2);
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
    expect_error("[partition dom0]\n", 1, "known sections are [hypervisor]");
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
