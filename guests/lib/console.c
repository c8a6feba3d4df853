#include "guests/lib/console.h"

#include "guests/lib/console_ring.h"
#include "arch/x86_64/cpu.h"
#include "guests/lib/hypercall.h"
#include "lib/format.h"

#include <stdarg.h>

/* How long a full ring may hold the writer up before the rest of the text
 * is dropped: the backend empties it far sooner unless it is stuck. */
#define RING_FULL_PAUSES      200
#define RING_FULL_PAUSE_TICKS 100000ull

static uint16_t console_port;
static volatile struct guest_console_ring *ring;
static uint32_t ring_port;
static unsigned long long dropped;

void console_init(uint16_t port)
{
    console_port = port;
}

void console_use_ring(uint64_t address, uint32_t port)
{
    ring = (volatile struct guest_console_ring *)(uintptr_t)address;
    ring_port = port;
}

bool console_ring_connected(void)
{
    return ring && ring->backend;
}

volatile struct guest_console_ring *console_ring(void)
{
    return ring;
}

uint32_t console_ring_event_port(void)
{
    return ring_port;
}

unsigned long long console_ring_dropped(void)
{
    return dropped;
}

size_t console_read(char *buffer, size_t max)
{
    return ring ? console_ring_get_input(ring, buffer, max) : 0;
}

static void port_write(const char *text, size_t length)
{
    if (console_port == 0)
        return;
    for (size_t i = 0; i < length; i++)
        cpu_outb(console_port, (uint8_t)text[i]);
}

/* The ring is full: waits a bounded time for the backend to make room. */
static bool wait_for_room(void)
{
    for (unsigned i = 0; i < RING_FULL_PAUSES && console_ring_connected(); i++) {
        if (console_ring_room(ring) > 0)
            return true;
        hc_block(cpu_rdtsc_ordered() + RING_FULL_PAUSE_TICKS);
    }
    return false;
}

/* One event at most per call, and only when the backend asked for it. */
static void ring_write(const char *text, size_t length)
{
    while (length > 0) {
        bool notify;
        size_t put = console_ring_put(ring, text, length, &notify);
        if (notify)
            hc_event_send(ring_port);
        text += put;
        length -= put;
        if (length > 0 && !wait_for_room())
            break;
    }
    if (length > 0 && !console_ring_connected())
        port_write(text, length); /* the backend went away meanwhile */
    else
        dropped += length;
}

void console_write(const char *text, size_t length)
{
    if (console_ring_connected())
        ring_write(text, length);
    else
        port_write(text, length);
}

int printf(const char *fmt, ...)
{
    char line[CONSOLE_LINE_MAX];
    va_list args;

    va_start(args, fmt);
    size_t length = format_v(line, sizeof(line), fmt, args);
    va_end(args);
    if (length >= sizeof(line)) {
        /* Cut off: still end the line, or the next one would run into it. */
        length = sizeof(line) - 1;
        line[length - 1] = '\n';
    }
    console_write(line, length);
    return (int)length;
}
