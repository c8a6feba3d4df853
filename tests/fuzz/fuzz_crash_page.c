/*
 * libFuzzer harness for the crash page (lib/crash_page.c), which the stub
 * reads from RAM that a reset, the firmware or a runaway write may have left
 * in any state: whatever the bytes, the checks and the read-back stay inside
 * the page and the buffer they are given. One input in two gets a right
 * magic and checksum, so the read-back of pages that pass is fuzzed too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crash_page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct crash_page page;
static char text[CRASH_PAGE_TEXT_SIZE + 1];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t room = size < 1 ? 0 : size - 1;

    memset(&page, 0, sizeof(page));
    memcpy(&page, data + (size ? 1 : 0), room < sizeof(page) ? room : sizeof(page));
    if (size && (data[0] & 1)) {
        page.magic = CRASH_PAGE_MAGIC;
        page.checksum = crash_page_compute_checksum(&page);
    }
    if (crash_page_valid(&page) && page.report_length > CRASH_PAGE_REPORT_SIZE)
        abort();
    text[CRASH_PAGE_TEXT_SIZE] = 0x5a; /* a guard just past what may be written */
    if (crash_page_read_text(&page, text, CRASH_PAGE_TEXT_SIZE) > CRASH_PAGE_TEXT_SIZE ||
        text[CRASH_PAGE_TEXT_SIZE] != 0x5a)
        abort();
    /* Appends keep the kept checksum equal to a computed one. */
    if (size && (data[0] & 2)) {
        uint32_t before = crash_page_compute_checksum(&page);
        page.checksum = before;
        crash_page_append_text(&page, (const char *)data, size);
        crash_page_append_report(&page, (const char *)data, size);
        if (page.checksum != crash_page_compute_checksum(&page))
            abort();
    }
    return 0;
}
