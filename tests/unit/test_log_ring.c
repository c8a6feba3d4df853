/*
 * The hypervisor's log ring (hv/log_ring.c): stream positions, reads that
 * cross the wrap-around, a reader that was overtaken and learns by how much,
 * and cursors at and past the end.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "hv/log_ring.h"

static struct log_ring ring;

static void setup(void)
{
    memset(&ring, 0, sizeof(ring));
}

TestSuite(log_ring, .init = setup);

static void append(const char *text)
{
    log_ring_append(&ring, text, strlen(text));
}

/* Appends numbered 16-byte lines "line 00000123..\n" until `bytes` are in. */
static void append_lines(uint64_t bytes)
{
    char line[32];

    for (uint64_t n = 0; n * 16 < bytes; n++) {
        snprintf(line, sizeof(line), "line %08llu..\n", (unsigned long long)n);
        log_ring_append(&ring, line, 16);
    }
}

Test(log_ring, empty_ring_reads_nothing)
{
    char to[8];
    uint64_t start = 99;

    cr_assert_eq(log_ring_read(&ring, 0, to, sizeof(to), &start), 0);
    cr_assert_eq(start, 0);
    cr_assert_eq(log_ring_oldest(&ring), 0);
}

Test(log_ring, reads_from_the_cursor_in_pieces)
{
    char to[32] = {0};
    uint64_t start;

    append("bulkhead: first\n");
    append("bulkhead: second\n");
    cr_assert_eq(log_ring_read(&ring, 0, to, 9, &start), 9);
    cr_assert_eq(start, 0);
    cr_assert_arr_eq(to, "bulkhead:", 9);
    cr_assert_eq(log_ring_read(&ring, 16, to, sizeof(to), &start), 17);
    cr_assert_eq(start, 16);
    cr_assert_arr_eq(to, "bulkhead: second\n", 17);
    cr_assert_eq(log_ring_read(&ring, 33, to, sizeof(to), &start), 0, "at the end");
    cr_assert_eq(start, 33);
}

Test(log_ring, a_read_across_the_wrap_is_contiguous)
{
    char to[64];
    uint64_t start;

    append_lines(LOG_RING_SIZE + 48); /* three lines past one lap */
    cr_assert_eq(ring.end, LOG_RING_SIZE + 48);
    uint64_t at = LOG_RING_SIZE - 16; /* the last line before the wrap */
    cr_assert_eq(log_ring_read(&ring, at, to, 32, &start), 32);
    cr_assert_eq(start, at);
    char expected[33];
    snprintf(expected, sizeof(expected), "line %08u..\nline %08u..\n", LOG_RING_SIZE / 16 - 1,
             LOG_RING_SIZE / 16);
    cr_assert_arr_eq(to, expected, 32);
}

Test(log_ring, an_overtaken_reader_gets_the_oldest_bytes_and_their_position)
{
    char to[16];
    uint64_t start;

    append_lines(LOG_RING_SIZE + 160);
    cr_assert_eq(log_ring_oldest(&ring), 160);
    cr_assert_eq(log_ring_read(&ring, 32, to, sizeof(to), &start), 16);
    cr_assert_eq(start, 160, "128 bytes were lost to the reader");
    cr_assert_arr_eq(to, "line 00000010..\n", 16);
}

Test(log_ring, a_cursor_past_the_end_reads_nothing)
{
    char to[8];
    uint64_t start;

    append("abc");
    cr_assert_eq(log_ring_read(&ring, 4, to, sizeof(to), &start), 0);
    cr_assert_eq(start, 3);
    cr_assert_eq(log_ring_read(&ring, UINT64_MAX, to, sizeof(to), &start), 0);
    cr_assert_eq(start, 3);
}

Test(log_ring, a_text_longer_than_the_ring_keeps_its_end)
{
    static char text[LOG_RING_SIZE + 100];
    char to[4];
    uint64_t start;

    memset(text, 'x', sizeof(text));
    memcpy(text + sizeof(text) - 4, "end\n", 4);
    log_ring_append(&ring, text, sizeof(text));
    cr_assert_eq(ring.end, sizeof(text));
    cr_assert_eq(log_ring_oldest(&ring), 100);
    cr_assert_eq(log_ring_read(&ring, sizeof(text) - 4, to, 4, &start), 4);
    cr_assert_arr_eq(to, "end\n", 4);
}

Test(log_ring, a_whole_lap_reads_back_in_order)
{
    static char to[LOG_RING_SIZE];
    uint64_t start;

    append_lines(3 * LOG_RING_SIZE + 64);
    cr_assert_eq(log_ring_read(&ring, 0, to, sizeof(to), &start), LOG_RING_SIZE);
    cr_assert_eq(start, 2 * LOG_RING_SIZE + 64);
    for (uint64_t i = 0; i < LOG_RING_SIZE; i += 16) {
        char expected[32];
        snprintf(expected, sizeof(expected), "line %08llu..\n",
                 (unsigned long long)((start + i) / 16));
        cr_assert_arr_eq(to + i, expected, 16, "at %llu", (unsigned long long)i);
    }
}
