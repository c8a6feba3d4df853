#include "hv/log.h"

#include <stdarg.h>

#include "drivers/uart16550.h"
#include "hv/arch.h"
#include "lib/crash_page.h"
#include "lib/format.h"
#include "hv/log_ring.h"
#include "hv/spinlock.h"

/* Room for the summary line with eight partitions of long names. */
#define LOG_LINE_MAX 768
#define NO_OWNER     (-1)

static uint16_t serial_port;
static struct fbcon *framebuffer;
static struct spinlock log_lock;
static volatile int log_owner = NO_OWNER;
static struct log_ring ring;
/* Once the partition that owns the serial port takes over the console, the
 * log goes to the ring only and the owner prints it; `printed` is how far
 * it has read. */
static const void *console_owner;
static uint64_t printed;
/* The copy that survives a warm reset (lib/crash_page.h), and the CPU whose
 * fault report goes into its report too; NO_OWNER when none does. */
static struct crash_page *crash_page;
static int reporting_cpu = NO_OWNER;

void log_use_serial(uint16_t port)
{
    serial_port = uart16550_init(port) ? port : 0;
}

void log_use_framebuffer(struct fbcon *console)
{
    framebuffer = console;
}

/* A CPU that faults while it holds the lock must still be able to report the
 * fault, so re-entry by the owner goes through without waiting. */
static bool log_acquire(void)
{
    int self = (int)arch_cpu_index();

    if (log_owner == self)
        return false;
    spin_lock(&log_lock);
    log_owner = self;
    return true;
}

static void log_release(bool acquired)
{
    if (!acquired)
        return;
    log_owner = NO_OWNER;
    spin_unlock(&log_lock);
}

static void keep_in_crash_page(const char *line, size_t len)
{
    if (!crash_page)
        return;
    crash_page_append_text(crash_page, line, len);
    if (reporting_cpu == (int)arch_cpu_index())
        crash_page_append_report(crash_page, line, len);
}

static void log_emit(const char *prefix, const char *fmt, va_list args)
{
    char line[LOG_LINE_MAX];
    size_t len = format(line, sizeof(line), "bulkhead: %s", prefix);

    len += format_v(line + len, sizeof(line) - len - 1, fmt, args);
    line[len++] = '\n';

    bool acquired = log_acquire();
    log_ring_append(&ring, line, len);
    keep_in_crash_page(line, len);
    if (serial_port && !console_owner)
        uart16550_write(serial_port, line, (unsigned)len);
    if (framebuffer)
        fbcon_write(framebuffer, line, (unsigned)len);
    log_release(acquired);
}

void log_line(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    log_emit("", fmt, args);
    va_end(args);
}

void log_error(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    log_emit("error: ", fmt, args);
    va_end(args);
}

uint64_t log_read(const void *reader, uint64_t cursor, char *to, uint64_t length, uint64_t *start,
                  uint64_t *end)
{
    bool acquired = log_acquire();
    uint64_t count = log_ring_read(&ring, cursor, to, length, start);

    *end = ring.end;
    if (reader && reader == console_owner && *start + count > printed)
        printed = *start + count;
    log_release(acquired);
    return count;
}

uint16_t log_serial_port(void)
{
    return serial_port;
}

bool log_hand_over_console(const void *owner, uint64_t *from)
{
    bool acquired = log_acquire();
    bool taken = !console_owner || console_owner == owner;

    if (taken) {
        console_owner = owner;
        printed = ring.end;
        *from = printed;
    }
    log_release(acquired);
    return taken;
}

/* What the owner had not read yet goes out straight, so nothing it left
 * behind is lost (unless the ring overwrote it meanwhile). */
static void print_unread(void)
{
    char chunk[256];
    uint64_t start;

    for (;;) {
        uint64_t count = log_ring_read(&ring, printed, chunk, sizeof(chunk), &start);
        if (!count)
            break;
        uart16550_write(serial_port, chunk, (unsigned)count);
        printed = start + count;
    }
}

bool log_take_back_console(const void *owner)
{
    bool acquired = log_acquire();
    bool taken = console_owner && (!owner || owner == console_owner);

    if (taken) {
        console_owner = 0;
        if (serial_port)
            print_unread();
    }
    log_release(acquired);
    return taken;
}

void log_keep_in_crash_page(void *page)
{
    char chunk[256];
    uint64_t cursor = 0, start, count;
    bool acquired = log_acquire();

    crash_page_init(page);
    /* What was logged before the page could be reached goes in first. */
    while ((count = log_ring_read(&ring, cursor, chunk, sizeof(chunk), &start)) != 0) {
        crash_page_append_text(page, chunk, count);
        cursor = start + count;
    }
    crash_page = page;
    log_release(acquired);
}

void log_fault_report_begin(void)
{
    bool acquired = log_acquire();

    /* The first fault is the one worth reading: later ones follow from it. */
    if (crash_page && crash_page->state == CRASH_PAGE_RUNNING && reporting_cpu == NO_OWNER)
        reporting_cpu = (int)arch_cpu_index();
    log_release(acquired);
}

void log_fault_report_end(void)
{
    bool acquired = log_acquire();

    if (crash_page && reporting_cpu == (int)arch_cpu_index()) {
        crash_page_set_state(crash_page, CRASH_PAGE_FAULTED);
        reporting_cpu = NO_OWNER;
    }
    log_release(acquired);
}

void log_ended_cleanly(void)
{
    bool acquired = log_acquire();

    if (crash_page && crash_page->state == CRASH_PAGE_RUNNING)
        crash_page_set_state(crash_page, CRASH_PAGE_CLEAN);
    log_release(acquired);
}
