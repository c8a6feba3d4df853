/*
 * The crash page: one 4 KiB page of RAM at a fixed address that a warm
 * reset leaves alone. The core keeps the newest lines of its log in it, the
 * first hypervisor fault's report, and whether it ended cleanly; the stub of
 * the next boot finds it again, shows what it holds and clears it. Every
 * store goes through crash_page_put(), which keeps a position-weighted
 * checksum up to date, so a page the firmware or a stray write touched is
 * told apart from one the core wrote. Pure code: the stub, the core and the
 * host unit tests share it.
 */
#ifndef LIB_CRASH_PAGE_H
#define LIB_CRASH_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRASH_PAGE_SIZE        4096u
#define CRASH_PAGE_MAGIC       0x31484f4c48524342ull /* "BCRHLOH1" */
#define CRASH_PAGE_REPORT_SIZE 1024u
#define CRASH_PAGE_HEADER_SIZE 32u
#define CRASH_PAGE_TEXT_SIZE   (CRASH_PAGE_SIZE - CRASH_PAGE_HEADER_SIZE - CRASH_PAGE_REPORT_SIZE)

/* How the boot that wrote the page ended, as far as the core could tell. */
enum crash_page_state {
    CRASH_PAGE_RUNNING = 1, /* still running when the machine was reset */
    CRASH_PAGE_FAULTED,     /* the hypervisor itself faulted: see the report */
    CRASH_PAGE_CLEAN,       /* powered off, halted or reset on purpose */
};

struct crash_page {
    uint64_t magic;
    uint32_t checksum; /* over every other byte of the page */
    uint32_t state;    /* enum crash_page_state */
    uint64_t text_end; /* stream position of the next log byte, as in a log ring */
    uint32_t report_length;
    uint32_t reserved;
    char report[CRASH_PAGE_REPORT_SIZE]; /* the first fault's report lines */
    char text[CRASH_PAGE_TEXT_SIZE];     /* the newest log bytes, a ring */
};

_Static_assert(sizeof(struct crash_page) == CRASH_PAGE_SIZE, "one page");
_Static_assert(offsetof(struct crash_page, report) == CRASH_PAGE_HEADER_SIZE, "header size");

/* An empty page of the running boot: magic, state running, checksum. */
void crash_page_init(struct crash_page *page);

/* Appends to the log ring; only the newest CRASH_PAGE_TEXT_SIZE bytes stay. */
void crash_page_append_text(struct crash_page *page, const char *text, size_t length);

/* Appends to the report while it has room; the rest is cut off. */
void crash_page_append_report(struct crash_page *page, const char *text, size_t length);

void crash_page_set_state(struct crash_page *page, enum crash_page_state state);

/* The magic, a known state, lengths in bounds and the checksum right. */
bool crash_page_valid(const struct crash_page *page);

/* Copies the log ring oldest byte first, starting at a line start when the
 * ring has wrapped; returns the number of bytes written (at most size). */
size_t crash_page_read_text(const struct crash_page *page, char *to, size_t size);

/* The checksum the page's bytes give, whatever the stored one says. */
uint32_t crash_page_compute_checksum(const struct crash_page *page);

/* Invalidates the page (the magic goes), once the next boot has read it. */
void crash_page_clear(struct crash_page *page);

#endif
