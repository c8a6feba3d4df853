#include "boot/last_crash.h"

#include <efilib.h>

#include "boot/memmap.h"
#include "boot/pages.h"
#include "lib/crash_page.h"
#include "lib/format.h"

/* Low RAM that firmware leaves free and a warm reset leaves as it was. The
 * page must sit at the same address on every boot, so the first of these
 * that is free is the one; the others are for firmware that uses it. */
static const EFI_PHYSICAL_ADDRESS crash_page_candidates[] = {0x3ff000, 0x1ff000, 0x9e000};

/* The lines of the log shown on the console after a boot that never ended. */
#define LAST_LINES_SHOWN 12
#define LINE_MAX         256
#define LINE_PREFIX      "bulkhead: "

static char log_text[CRASH_PAGE_TEXT_SIZE];
static char file_text[CRASH_PAGE_SIZE + 1024];

static EFI_PHYSICAL_ADDRESS claim_page(void)
{
    for (UINTN i = 0; i < sizeof(crash_page_candidates) / sizeof(crash_page_candidates[0]); i++) {
        if (!EFI_ERROR(
                pages_allocate_at(EFI_MEMORY_BULKHEAD_CRASH_PAGE, 1, crash_page_candidates[i])))
            return crash_page_candidates[i];
    }
    return 0;
}

/* One log line on the console, without the core's prefix (ours replaces it). */
static void print_line(const char *line, UINTN length)
{
    char copy[LINE_MAX];
    UINTN skip = 0;

    while (skip < length && skip < sizeof(LINE_PREFIX) - 1 && line[skip] == LINE_PREFIX[skip])
        skip++;
    if (skip < sizeof(LINE_PREFIX) - 1)
        skip = 0;
    length -= skip;
    if (length >= sizeof(copy))
        length = sizeof(copy) - 1;
    CopyMem(copy, line + skip, length);
    copy[length] = 0;
    Print(L"bulkhead: last boot: %a\r\n", copy);
}

/* Prints the last `lines` lines of text (every one when it has fewer). */
static void print_last_lines(const char *text, UINTN length, unsigned lines)
{
    UINTN start = length;
    unsigned seen = 0;

    while (start > 0 && seen <= lines) {
        start--;
        if (text[start] == '\n' && start + 1 < length && ++seen > lines) {
            start++;
            break;
        }
    }
    for (UINTN at = start, end; at < length; at = end + 1) {
        for (end = at; end < length && text[end] != '\n'; end++)
            ;
        print_line(text + at, end - at);
    }
}

static const char *ending_of(const struct crash_page *page)
{
    if (page->state == CRASH_PAGE_FAULTED)
        return "the hypervisor faulted (its report follows)";
    return "it was still running when the machine was reset (no power-off, halt or reboot of its "
           "own)";
}

static void append_bytes(struct format_text *out, const char *bytes, UINTN length)
{
    for (UINTN i = 0; i < length && out->length + 1 < out->size; i++)
        out->buf[out->length++] = bytes[i];
}

static UINTN compose_file(const struct crash_page *page, UINTN log_length)
{
    struct format_text out = {file_text, sizeof(file_text), 0};

    format_append(&out, "Bulkhead: what the last boot left behind\n");
    format_append(&out, "How it ended: %s\n", ending_of(page));
    if (page->report_length) {
        format_append(&out, "\n[fault report]\n");
        append_bytes(&out, page->report, page->report_length);
    }
    format_append(&out, "\n[last log lines, oldest first]\n");
    append_bytes(&out, log_text, log_length);
    return out.length;
}

static void show(const struct esp_dir *dir, const struct crash_page *page)
{
    UINTN log_length = crash_page_read_text(page, log_text, sizeof(log_text));

    if (page->state == CRASH_PAGE_FAULTED) {
        Print(L"bulkhead: the last boot ended in a hypervisor fault:\r\n");
        print_last_lines(page->report, page->report_length, ~0u);
    } else {
        Print(L"bulkhead: the last boot did not end cleanly; its last lines:\r\n");
        print_last_lines(log_text, log_length, LAST_LINES_SHOWN);
    }
    if (!EFI_ERROR(esp_write_file(dir, LAST_CRASH_FILE, file_text, compose_file(page, log_length))))
        Print(L"bulkhead: the last boot's log is in %s%a\r\n", dir->path, LAST_CRASH_FILE);
}

void last_crash_take(const struct esp_dir *dir, struct boot_info *info)
{
    EFI_PHYSICAL_ADDRESS phys = claim_page();
    struct crash_page *page = (struct crash_page *)(UINTN)phys;

    info->crash_page_phys = phys;
    if (!phys) {
        Print(L"bulkhead: no crash page this boot: none of its addresses is free\r\n");
        return;
    }
    if (!crash_page_valid(page))
        return;
    if (page->state != CRASH_PAGE_CLEAN)
        show(dir, page);
    crash_page_clear(page);
}
