#include "lib/crash_page.h"

#define CHECKSUM_OFFSET offsetof(struct crash_page, checksum)

/* Weighting each byte by its position catches swapped bytes and shifted
 * text, which a plain sum would miss, and still updates byte by byte. */
static uint32_t weight(size_t offset)
{
    return (uint32_t)offset + 1;
}

static bool in_checksum_field(size_t offset)
{
    return offset >= CHECKSUM_OFFSET && offset < CHECKSUM_OFFSET + sizeof(uint32_t);
}

uint32_t crash_page_compute_checksum(const struct crash_page *page)
{
    const uint8_t *bytes = (const uint8_t *)page;
    uint32_t sum = 0;

    for (size_t i = 0; i < CRASH_PAGE_SIZE; i++) {
        if (!in_checksum_field(i))
            sum += bytes[i] * weight(i);
    }
    return sum;
}

/* The one way anything but the checksum is written. */
static void crash_page_put(struct crash_page *page, size_t offset, const void *from, size_t length)
{
    uint8_t *bytes = (uint8_t *)page;
    const uint8_t *source = from;

    for (size_t i = 0; i < length; i++) {
        page->checksum += (uint32_t)(source[i] - bytes[offset + i]) * weight(offset + i);
        bytes[offset + i] = source[i];
    }
}

#define PUT_FIELD(page, field, value)                                                              \
    crash_page_put(page, offsetof(struct crash_page, field), &(value), sizeof((page)->field))

void crash_page_init(struct crash_page *page)
{
    uint8_t *bytes = (uint8_t *)page;
    uint64_t magic = CRASH_PAGE_MAGIC;
    uint32_t state = CRASH_PAGE_RUNNING;

    for (size_t i = 0; i < CRASH_PAGE_SIZE; i++)
        bytes[i] = 0;
    PUT_FIELD(page, magic, magic);
    PUT_FIELD(page, state, state);
}

void crash_page_append_text(struct crash_page *page, const char *text, size_t length)
{
    uint64_t end = page->text_end;

    if (length > CRASH_PAGE_TEXT_SIZE) {
        end += length - CRASH_PAGE_TEXT_SIZE;
        text += length - CRASH_PAGE_TEXT_SIZE;
        length = CRASH_PAGE_TEXT_SIZE;
    }
    for (size_t i = 0; i < length; i++) {
        size_t at = offsetof(struct crash_page, text) + (end + i) % CRASH_PAGE_TEXT_SIZE;
        crash_page_put(page, at, &text[i], 1);
    }
    end += length;
    PUT_FIELD(page, text_end, end);
}

void crash_page_append_report(struct crash_page *page, const char *text, size_t length)
{
    uint32_t used = page->report_length;

    if (used >= CRASH_PAGE_REPORT_SIZE)
        return;
    if (length > CRASH_PAGE_REPORT_SIZE - used)
        length = CRASH_PAGE_REPORT_SIZE - used;
    crash_page_put(page, offsetof(struct crash_page, report) + used, text, length);
    used += (uint32_t)length;
    PUT_FIELD(page, report_length, used);
}

void crash_page_set_state(struct crash_page *page, enum crash_page_state state)
{
    uint32_t value = state;

    PUT_FIELD(page, state, value);
}

bool crash_page_valid(const struct crash_page *page)
{
    return page->magic == CRASH_PAGE_MAGIC && page->state >= CRASH_PAGE_RUNNING &&
           page->state <= CRASH_PAGE_CLEAN && page->report_length <= CRASH_PAGE_REPORT_SIZE &&
           page->checksum == crash_page_compute_checksum(page);
}

size_t crash_page_read_text(const struct crash_page *page, char *to, size_t size)
{
    uint64_t end = page->text_end;
    uint64_t from = end > CRASH_PAGE_TEXT_SIZE ? end - CRASH_PAGE_TEXT_SIZE : 0;
    size_t count = 0;

    /* A wrapped ring most likely starts mid-line, and the byte before it is
     * gone, so it cannot tell: skip to just after its first line end. */
    if (from > 0) {
        while (from < end && page->text[from % CRASH_PAGE_TEXT_SIZE] != '\n')
            from++;
        from++;
    }
    for (; from < end && count < size; from++)
        to[count++] = page->text[from % CRASH_PAGE_TEXT_SIZE];
    return count;
}

void crash_page_clear(struct crash_page *page)
{
    uint64_t none = 0;

    PUT_FIELD(page, magic, none);
}
