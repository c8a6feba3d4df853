/*
 * What every unit test of the config reader checks a text with: it parses
 * into one config and one error, as "test.cfg", and an error must name the
 * exact line and contain a fragment of the expected message.
 */
#ifndef TESTS_UNIT_CONFIG_EXPECT_H
#define TESTS_UNIT_CONFIG_EXPECT_H

#include <criterion/criterion.h>
#include <string.h>

#include "lib/config.h"

static struct config config;
static struct config_error error;

static inline int parse_n(const char *text, size_t len)
{
    return config_parse(text, len, "test.cfg", &config, &error);
}

static inline int parse(const char *text)
{
    return parse_n(text, strlen(text));
}

static inline void expect_ok(const char *text)
{
    cr_assert_eq(parse(text), 0, "rejected: %u: %s", error.line, error.message);
}

/* The parse must fail on exactly this line, with a message containing fragment. */
static inline void expect_error_n(const char *text, size_t len, unsigned line, const char *fragment)
{
    cr_assert_eq(parse_n(text, len), -1, "accepted a bad config");
    cr_expect_eq(error.line, line, "error on line %u, expected %u (%s)", error.line, line,
                 error.message);
    cr_expect(strstr(error.message, fragment) != NULL, "message \"%s\" lacks \"%s\"", error.message,
              fragment);
    cr_expect_str_eq(error.file, "test.cfg");
}

static inline void expect_error(const char *text, unsigned line, const char *fragment)
{
    expect_error_n(text, strlen(text), line, fragment);
}

/* The first partition's emulated range `index`, and its name as messages
 * print it. */
static inline const struct config_emulated *emulated(unsigned index)
{
    cr_assert_lt(index, config.partitions[0].emulated_count);
    return &config.partitions[0].emulated[index];
}

static inline void expect_emulated_name(unsigned index, const char *name)
{
    char buf[CONFIG_EMULATED_NAME_LEN];

    config_emulated_name(emulated(index), buf, sizeof(buf));
    cr_expect_str_eq(buf, name);
}

#endif
