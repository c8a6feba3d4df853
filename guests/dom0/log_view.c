#include "guests/dom0/log_view.h"

#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"
#include "lib/string.h"

/* As large as the hypervisor's ring: the whole of it fits. */
#define SNAPSHOT_SIZE (16u * 1024)

struct snapshot {
    char bytes[SNAPSHOT_SIZE + 1];
    uint64_t length;
    uint64_t first;  /* stream position of bytes[0] */
    uint64_t lost;   /* overwritten before this reader got them */
    int64_t problem; /* an HC_E* error, or 0 */
};

static struct snapshot snapshot;

static uint64_t smaller(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* The whole log up to where it ended at the first read is copied before any
 * of it is printed: our own lines go into the same log and would otherwise
 * chase the reader round the ring. */
static void take_snapshot(void)
{
    struct hc_log_span span = {0, 0};
    uint64_t cursor = 0, end = 0;

    snapshot.length = snapshot.lost = 0;
    snapshot.problem = 0;
    do {
        uint64_t room = smaller(SNAPSHOT_SIZE - snapshot.length, HC_LOG_READ_MAX);
        if (snapshot.length)
            room = smaller(room, end - cursor);
        int64_t got = hc_log_read(snapshot.bytes + snapshot.length, room, cursor, &span);
        if (got < 0) {
            snapshot.problem = got;
            break;
        }
        if (!snapshot.length) {
            end = span.end;
            snapshot.first = span.start;
        }
        snapshot.lost += span.start - cursor;
        cursor = span.start + (uint64_t)got;
        snapshot.length += (uint64_t)got;
        if (!got)
            break;
    } while (cursor < end && snapshot.length < SNAPSHOT_SIZE);
    snapshot.bytes[snapshot.length] = '\0';
}

/* Where the first whole line starts: after a wrap the oldest line is cut. */
static uint64_t first_line_start(void)
{
    uint64_t at = 0;

    if (snapshot.first == 0)
        return 0;
    while (at < snapshot.length && snapshot.bytes[at] != '\n')
        at++;
    return at < snapshot.length ? at + 1 : snapshot.length;
}

static void print_lines(void)
{
    char *line = snapshot.bytes + first_line_start();
    char *end = snapshot.bytes + snapshot.length;

    while (line < end) {
        char *newline = line;
        while (newline < end && *newline != '\n')
            newline++;
        *newline = '\0';
        printf("dom0: log: %s\n", line);
        line = newline + 1;
    }
}

void log_view_print(void)
{
    take_snapshot();
    if (snapshot.problem) {
        printf("dom0: log: %s\n", hc_error_name(snapshot.problem));
        return;
    }
    if (snapshot.first)
        printf("dom0: log: (the %llu bytes before are gone)\n", (unsigned long long)snapshot.first);
    print_lines();
    if (snapshot.lost > snapshot.first)
        printf("dom0: log: (%llu bytes were overwritten while reading)\n",
               (unsigned long long)(snapshot.lost - snapshot.first));
}
