#include "hv/log.h"

#include <stdarg.h>

#include "drivers/uart16550.h"
#include "hv/arch.h"
#include "lib/crash_page.h"
#include "lib/format.h"
#include "hv/log_ring.h"
#include "hv/spinlock.h"

/* Room for the summary line with eight partitions of long names. */
#define LOG_LINE_MAX       768
#define NO_OWNER           (-1)
#define UART_FIFO_BYTES    16
#define SERIAL_STALL_POLLS 100000 /* a FIFO's 16 bytes take 1.4 ms at 115200 baud */

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
/* The serial prints the ring behind the writers: `serial_sent` is how far
 * it has got. While partitions run, whoever finds the UART's FIFO empty
 * refills it (serial_lock: one CPU at a time, the others go on); before,
 * after, and once the hypervisor faults, every line goes out at once. */
static struct spinlock serial_lock;
static volatile uint64_t serial_sent;
static volatile bool serial_synchronous = true;
/* With `timestamps = yes`, each line starts with the seconds since
 * stamp_zero; 0 Hz while the TSC is not calibrated yet (no stamps). */
static uint64_t stamp_zero, stamp_hz;

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

static bool serial_active(void)
{
    return serial_port && !console_owner;
}

/* Under the log lock: the next bytes the serial owes, up to `max`; bytes the
 * ring has overwritten meanwhile are skipped. */
static unsigned serial_owed(char *to, unsigned max)
{
    uint64_t start;
    unsigned count = (unsigned)log_ring_read(&ring, serial_sent, to, max, &start);

    serial_sent = start;
    return count;
}

/* Under the log lock: as much as the UART's FIFO takes now, without
 * waiting; false when nothing went out. */
static bool serial_feed(void)
{
    char chunk[UART_FIFO_BYTES];
    unsigned count = serial_active() ? serial_owed(chunk, sizeof(chunk)) : 0;
    unsigned taken = count ? uart16550_write_ready(serial_port, chunk, count) : 0;

    serial_sent += taken;
    return taken != 0;
}

/* Under the log lock: polls the UART until the serial owes at most `keep`
 * bytes. A UART that takes nothing for SERIAL_STALL_POLLS polls is wedged:
 * what it owes is dropped rather than the hypervisor hung. */
static void serial_catch_up(uint64_t keep)
{
    unsigned stalls = 0;

    while (serial_active() && ring.end - serial_sent > keep) {
        if (serial_feed()) {
            stalls = 0;
        } else if (++stalls > SERIAL_STALL_POLLS) {
            serial_sent = ring.end;
        } else {
            spin_relax();
        }
    }
}

/* Under the log lock: one whole line goes into the ring (never over bytes
 * the serial has still to print), then to the serial when it is
 * synchronous, and to the framebuffer. */
static void log_put(const char *line, size_t len, bool synchronous)
{
    serial_catch_up(LOG_RING_SIZE - len);
    log_ring_append(&ring, line, len);
    keep_in_crash_page(line, len);
    if (synchronous || serial_synchronous)
        serial_catch_up(0);
    if (framebuffer)
        fbcon_write(framebuffer, line, (unsigned)len);
}

void log_use_timestamps(uint64_t zero_tsc, uint64_t tsc_hz)
{
    stamp_zero = zero_tsc;
    stamp_hz = tsc_hz;
}

/* Seconds and microseconds apart, so the product never overflows. */
static size_t format_stamp(char *to, size_t size)
{
    if (!stamp_hz)
        return 0;
    uint64_t ticks = arch_read_tsc() - stamp_zero;
    return format(to, size, "[%5llu.%06llu] ", (unsigned long long)(ticks / stamp_hz),
                  (unsigned long long)(ticks % stamp_hz * 1000000 / stamp_hz));
}

static size_t log_format(char *line, const char *prefix, const char *fmt, va_list args)
{
    size_t len = format(line, LOG_LINE_MAX, "bulkhead: ");

    len += format_stamp(line + len, LOG_LINE_MAX - len);
    len += format(line + len, LOG_LINE_MAX - len, "%s", prefix);

    len += format_v(line + len, LOG_LINE_MAX - len - 1, fmt, args);
    line[len++] = '\n';
    return len;
}

/* Errors go out at once: the machine may not get further than them. */
static void log_emit(const char *prefix, const char *fmt, va_list args)
{
    char line[LOG_LINE_MAX];
    size_t len = log_format(line, prefix, fmt, args);
    bool acquired = log_acquire();

    log_put(line, len, *prefix != '\0');
    log_release(acquired);
    log_drain_serial();
}

void log_drain_serial(void)
{
    if (!log_serial_owes() || !spin_try_lock(&serial_lock))
        return;
    bool acquired = log_acquire();
    while (serial_feed())
        ;
    log_release(acquired);
    spin_unlock(&serial_lock);
}

bool log_serial_owes(void)
{
    return serial_active() && serial_sent != ring.end;
}

void log_serial_asynchronous(bool asynchronous)
{
    bool acquired = log_acquire();

    serial_synchronous = !asynchronous;
    if (!asynchronous)
        serial_catch_up(0);
    log_release(acquired);
}

/* Under the log lock. Once the serial is past the partition's newest
 * line, none of its bytes wait any more. */
static bool console_line_fits(struct log_console_share *share, size_t len)
{
    if (!share || !serial_active())
        return true;
    if (share->last_end <= serial_sent)
        share->unsent = 0;
    return share->unsent + len <= LOG_CONSOLE_SHARE &&
           ring.end + len - serial_sent <= LOG_CONSOLE_BACKLOG;
}

static void log_console_emit(struct log_console_share *share, bool *kept, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void log_console_emit(struct log_console_share *share, bool *kept, const char *fmt, ...)
{
    char line[LOG_LINE_MAX];
    va_list args;

    va_start(args, fmt);
    size_t len = log_format(line, "", fmt, args);
    va_end(args);
    bool acquired = log_acquire();
    *kept = console_line_fits(share, len);
    if (*kept)
        log_put(line, len, false);
    if (*kept && share) {
        share->last_end = ring.end;
        share->unsent += len;
    }
    log_release(acquired);
    log_drain_serial();
}

bool log_console_line(struct log_console_share *share, const char *name, const char *text)
{
    bool kept;

    log_console_emit(share, &kept, "[%s] %s", name, text);
    return kept;
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
        printed = serial_sent; /* what the serial had not printed yet, the owner does */
        *from = printed;
    }
    log_release(acquired);
    return taken;
}

/* What the owner had not read yet goes out straight, so nothing it left
 * behind is lost (unless the ring overwrote it meanwhile). */
bool log_take_back_console(const void *owner)
{
    bool acquired = log_acquire();
    bool taken = console_owner && (!owner || owner == console_owner);

    if (taken) {
        console_owner = 0;
        serial_sent = printed;
        serial_catch_up(0);
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
    /* The report goes out line by line, polling, whoever was feeding the
     * serial: that may be the CPU that faulted. */
    serial_synchronous = true;
    serial_catch_up(0);
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
    serial_synchronous = true; /* the last lines before the end must get out */
    serial_catch_up(0);
    log_release(acquired);
}
