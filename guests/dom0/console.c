#include "guests/dom0/console.h"

#include "guests/lib/console_ring.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"
#include "lib/string.h"

#define MAX_ID            31 /* ids fit the mask HC_CONSOLE_SERVER returns */
#define LINE_MAX          120
#define PAGE              4096ull
#define PASSES_PER_SERVE  4 /* a guest that never stops writing waits its turn */
#define BAD_INDEX_REPORTS 3 /* per partition; further ones are only counted */

struct client {
    char line[LINE_MAX + 1];
    unsigned length;
    unsigned bad_indices;
    uint32_t input_producer; /* the backend's own copy */
};

static uint64_t window;
static uint32_t mapped; /* bit n: partition n's ring is in the window */
static struct client clients[MAX_ID + 1];
static char taken[GUEST_CONSOLE_RING_SIZE];
static unsigned lines_printed, bad_indices;

bool console_backend_start(uint64_t memory_bytes, uint8_t vector, event_handler handler)
{
    window = hc_grant_window(memory_bytes);
    int64_t port = event_bind(vector, 0, handler);
    int64_t result = window && port >= 0 ? hc_console_server(window, (uint32_t)port) : HC_EINVAL;

    if (result < 0) {
        printf("dom0: no console backend: %s\n", hc_error_name(result));
        return false;
    }
    mapped = (uint32_t)result;
    return true;
}

static volatile struct guest_console_ring *ring_of(unsigned id)
{
    return (volatile struct guest_console_ring *)(uintptr_t)(window + (id - 1) * PAGE);
}

static const char *name_in(const struct hc_partition_entry *partitions, unsigned count, unsigned id)
{
    for (unsigned i = 0; i < count; i++) {
        if (partitions[i].id == id)
            return partitions[i].name;
    }
    return 0;
}

void console_print_for(uint32_t id, const char *line)
{
    char text[HC_CONSOLE_MAX];
    size_t length = strlen(line);

    if (length > sizeof(text) - 1)
        length = sizeof(text) - 1;
    memcpy(text, line, length);
    text[length++] = '\n';
    int64_t result = hc_console_write_for(id, text, length);
    /* Refused (the partition just went away): the line still shows, as dom0's. */
    if (result < 0)
        printf("[partition %u] %s (%s)\n", id, line, hc_error_name(result));
}

/* Bytes become lines as in the 16550 model: '\n' or a full line ends one.
 * Whole lines go on, so a ring reset drops only the line it spoiled. */
static void add_byte(struct client *c, uint32_t id, char byte)
{
    if (byte == '\r')
        return;
    if (byte != '\n')
        c->line[c->length++] = (byte >= 0x20 && byte < 0x7f) ? byte : '?';
    if (byte == '\n' || c->length == LINE_MAX) {
        c->line[c->length] = '\0';
        console_print_for(id, c->line);
        c->length = 0;
        lines_printed++;
    }
}

static void report_bad_index(struct client *c, const char *name, const struct console_ring_take *t)
{
    bad_indices++;
    if (c->bad_indices++ < BAD_INDEX_REPORTS)
        printf("dom0: console ring of %s: bad index (producer %u, consumer %u), ring reset\n", name,
               t->producer, t->consumer);
    c->length = 0; /* what was collected may be garbage */
}

static void serve_ring(unsigned id, const char *name)
{
    volatile struct guest_console_ring *ring = ring_of(id);
    struct client *c = &clients[id];
    struct console_ring_take take;

    for (unsigned pass = 0; pass < PASSES_PER_SERVE; pass++) {
        enum console_ring_take_status status = console_ring_take(ring, taken, &take);
        if (status == CONSOLE_RING_BAD_INDEX)
            report_bad_index(c, name, &take);
        for (size_t i = 0; i < take.length; i++)
            add_byte(c, id, taken[i]);
        if (status == CONSOLE_RING_EMPTY && !console_ring_rearm(ring, take.consumer))
            return;
    }
}

void console_backend_serve(const struct hc_partition_entry *partitions, unsigned count)
{
    for (unsigned id = 1; id <= MAX_ID; id++) {
        if (!(mapped & (1u << id)))
            continue;
        const char *name = name_in(partitions, count, id);
        if (name)
            serve_ring(id, name);
        else if (count > 0 && hc_console_release(id) == 0) {
            mapped &= ~(1u << id); /* destroyed: its ring is gone */
            printf("dom0: console ring of partition %u released\n", id);
        }
    }
}

bool console_backend_has_ring(uint32_t id)
{
    return id <= MAX_ID && (mapped & (1u << id));
}

bool console_backend_input(uint32_t id, char byte)
{
    bool bad;

    if (!console_backend_has_ring(id))
        return false;
    size_t given =
        console_ring_give_input(ring_of(id), &clients[id].input_producer, &byte, 1, &bad);
    if (bad)
        printf("dom0: console ring of partition %u: bad input index, byte dropped\n", id);
    return given == 1;
}

unsigned console_backend_rings(void)
{
    unsigned rings = 0;

    for (unsigned id = 1; id <= MAX_ID; id++)
        rings += (mapped >> id) & 1;
    return rings;
}

unsigned console_backend_lines(void)
{
    return lines_printed;
}

unsigned console_backend_bad_indices(void)
{
    return bad_indices;
}
