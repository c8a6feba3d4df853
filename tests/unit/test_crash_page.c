/*
 * The crash page (lib/crash_page.c): the checksum kept up to date store by
 * store matches one computed from scratch, any changed byte is caught, the
 * log ring keeps the newest whole lines, the report is bounded, and a
 * cleared page is no longer valid.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "lib/crash_page.h"

static struct crash_page page;

static void setup(void)
{
    memset(&page, 0xa5, sizeof(page)); /* what a reset might leave behind */
    crash_page_init(&page);
}

TestSuite(crash_page, .init = setup);

static void append(const char *text)
{
    crash_page_append_text(&page, text, strlen(text));
}

Test(crash_page, fresh_page_is_valid_and_running)
{
    cr_expect(crash_page_valid(&page));
    cr_expect_eq(page.state, CRASH_PAGE_RUNNING);
    cr_expect_eq(page.text_end, 0);
    cr_expect_eq(page.report_length, 0);
}

Test(crash_page, garbage_is_not_valid)
{
    memset(&page, 0xa5, sizeof(page));
    cr_expect_not(crash_page_valid(&page));
    memset(&page, 0, sizeof(page));
    cr_expect_not(crash_page_valid(&page));
}

Test(crash_page, kept_checksum_equals_computed_one)
{
    append("bulkhead: core started\n");
    crash_page_append_report(&page, "bulkhead: error: cpu0: exception 14\n", 36);
    crash_page_set_state(&page, CRASH_PAGE_FAULTED);
    cr_expect_eq(page.checksum, crash_page_compute_checksum(&page));
    cr_expect(crash_page_valid(&page));
}

Test(crash_page, any_changed_byte_is_caught)
{
    append("bulkhead: one line\n");
    for (size_t i = 0; i < sizeof(page); i += 7) {
        uint8_t *byte = (uint8_t *)&page + i;
        uint8_t kept = *byte;
        *byte ^= 0x10;
        cr_expect_not(crash_page_valid(&page), "a change at byte %zu went unnoticed", i);
        *byte = kept;
    }
    cr_expect(crash_page_valid(&page));
}

Test(crash_page, swapped_bytes_are_caught)
{
    append("ab\n");
    page.text[0] = 'b';
    page.text[1] = 'a';
    cr_expect_not(crash_page_valid(&page));
}

Test(crash_page, text_reads_back_in_order)
{
    char to[64];

    append("first\n");
    append("second\n");
    size_t n = crash_page_read_text(&page, to, sizeof(to));
    cr_expect_eq(n, 13);
    cr_expect_arr_eq(to, "first\nsecond\n", 13);
}

/* Numbered 30-byte lines (the ring's size is no multiple of 30), far more
 * than the ring holds: what comes back is the newest lines, whole, ending
 * with the last one. */
Test(crash_page, wrapped_ring_keeps_newest_whole_lines)
{
    static char to[CRASH_PAGE_TEXT_SIZE];
    char line[40];
    unsigned lines = 3 * CRASH_PAGE_TEXT_SIZE / 30;

    for (unsigned n = 0; n < lines; n++) {
        snprintf(line, sizeof(line), "line %08u................\n", n);
        append(line);
    }
    size_t count = crash_page_read_text(&page, to, sizeof(to));
    cr_expect_eq(count % 30, 0, "the text starts mid-line");
    cr_expect_eq(memcmp(to, "line ", 5), 0);
    snprintf(line, sizeof(line), "line %08u................\n", lines - 1);
    cr_expect_eq(memcmp(to + count - 30, line, 30), 0);
    cr_expect(count > CRASH_PAGE_TEXT_SIZE - 2 * 30);
    cr_expect(crash_page_valid(&page));
}

/* 100-byte lines in one append longer than the ring: the ring holds the
 * text from byte 100 on, and reading skips the line cut at its start. */
Test(crash_page, one_long_text_keeps_its_tail)
{
    static char big[CRASH_PAGE_TEXT_SIZE + 100];
    static char to[CRASH_PAGE_TEXT_SIZE];

    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = i % 100 == 99 ? '\n' : 'x';
    crash_page_append_text(&page, big, sizeof(big));
    cr_expect_eq(page.text_end, sizeof(big));
    cr_expect_eq(crash_page_read_text(&page, to, sizeof(to)), sizeof(big) - 200);
    cr_expect(crash_page_valid(&page));
}

Test(crash_page, report_is_cut_at_its_size)
{
    static char big[CRASH_PAGE_REPORT_SIZE];

    memset(big, 'r', sizeof(big));
    crash_page_append_report(&page, "head\n", 5);
    crash_page_append_report(&page, big, sizeof(big));
    crash_page_append_report(&page, "more", 4);
    cr_expect_eq(page.report_length, CRASH_PAGE_REPORT_SIZE);
    cr_expect_eq(memcmp(page.report, "head\nrrr", 8), 0);
    cr_expect(crash_page_valid(&page));
}

Test(crash_page, cleared_page_is_not_valid)
{
    append("line\n");
    crash_page_clear(&page);
    cr_expect_not(crash_page_valid(&page));
}

Test(crash_page, unknown_state_is_not_valid)
{
    crash_page_set_state(&page, (enum crash_page_state)7);
    cr_expect_not(crash_page_valid(&page));
}
