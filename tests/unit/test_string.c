/* lib/string.c against byte-by-byte references: every alignment of source
 * and destination, every length up to a few words, overlap both ways. */
#include <criterion/criterion.h>
#include <stdint.h>

#include "lib/string.h"

#define AREA    128
#define LENGTHS 40

static unsigned char area[AREA], expected[AREA];

static void fill_pattern(unsigned char *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        bytes[i] = (unsigned char)(i * 7 + 3);
}

static void reference_move(unsigned char *d, const unsigned char *s, size_t n)
{
    unsigned char copy[AREA];

    for (size_t i = 0; i < n; i++)
        copy[i] = s[i];
    for (size_t i = 0; i < n; i++)
        d[i] = copy[i];
}

static void expect_area(const char *what, size_t from, size_t to, size_t n)
{
    for (size_t i = 0; i < AREA; i++)
        cr_assert_eq(area[i], expected[i], "%s from %zu to %zu, %zu bytes: byte %zu", what, from,
                     to, n, i);
}

Test(string, memcpy_every_alignment_and_length)
{
    for (size_t from = 0; from < 8; from++)
        for (size_t to = 0; to < 8; to++)
            for (size_t n = 0; n <= LENGTHS; n++) {
                fill_pattern(area, AREA);
                fill_pattern(expected, AREA);
                reference_move(expected + 64 + to, expected + from, n);
                cr_assert_eq(memcpy(area + 64 + to, area + from, n), area + 64 + to);
                expect_area("memcpy", from, 64 + to, n);
            }
}

Test(string, memmove_overlapping_both_ways)
{
    for (size_t from = 16; from < 24; from++)
        for (size_t to = from - 10; to <= from + 10; to++)
            for (size_t n = 0; n <= LENGTHS; n++) {
                fill_pattern(area, AREA);
                fill_pattern(expected, AREA);
                reference_move(expected + to, expected + from, n);
                cr_assert_eq(memmove(area + to, area + from, n), area + to);
                expect_area("memmove", from, to, n);
            }
}

Test(string, memset_every_alignment_and_length)
{
    for (size_t at = 0; at < 8; at++)
        for (size_t n = 0; n <= LENGTHS; n++) {
            fill_pattern(area, AREA);
            fill_pattern(expected, AREA);
            for (size_t i = 0; i < n; i++)
                expected[at + i] = 0xa5;
            cr_assert_eq(memset(area + at, 0x1a5, n), area + at); /* only the low byte counts */
            expect_area("memset", at, at, n);
        }
}

static int sign(int value)
{
    return (value > 0) - (value < 0);
}

Test(string, memcmp_finds_the_first_difference)
{
    unsigned char a[AREA], b[AREA];

    for (size_t at = 0; at < 8; at++)
        for (size_t n = 0; n <= LENGTHS; n++) {
            fill_pattern(a, AREA);
            fill_pattern(b, AREA);
            cr_assert_eq(memcmp(a + at, b + at, n), 0);
            for (size_t differ = 0; differ < n; differ++) {
                a[at + differ] = 0x10;
                b[at + differ] = 0x20;
                if (differ + 1 < n)
                    a[at + differ + 1] = 0xff; /* a later byte says the opposite */
                cr_assert_eq(sign(memcmp(a + at, b + at, n)), -1, "%zu bytes at %zu, first at %zu",
                             n, at, differ);
                cr_assert_eq(sign(memcmp(b + at, a + at, n)), 1);
                fill_pattern(a, AREA);
                fill_pattern(b, AREA);
            }
        }
}

Test(string, strlen_and_strncmp)
{
    cr_assert_eq(strlen(""), 0);
    cr_assert_eq(strlen("partition"), 9);
    cr_assert_eq(strncmp("dom0", "dom1", 3), 0);
    cr_assert_lt(strncmp("dom0", "dom1", 4), 0);
    cr_assert_gt(strncmp("dom", "do", 5), 0);
}
