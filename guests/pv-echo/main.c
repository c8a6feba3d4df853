/*
 * A pv guest with an interactive console: it reads what the operator types
 * for it (dom0's `console NAME`) from the input half of its console ring,
 * and answers each line through the output half. "quit" ends it with exit
 * status 0. The ring has no input event, so it looks again every
 * INPUT_POLL_TICKS, asleep in HC_BLOCK in between.
 */
#include "guests/lib/event.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"
#include "lib/string.h"

#define LINE_MAX         64
#define INPUT_POLL_TICKS 1000000ull

/* Collects typed bytes into `line` until Enter; returns its length. */
static size_t read_line(char *line)
{
    size_t length = 0;
    char byte;

    for (;;) {
        if (console_read(&byte, 1) == 0) {
            hc_block(tsc_after(INPUT_POLL_TICKS));
            continue;
        }
        if (byte == '\r' || byte == '\n') {
            if (length)
                break;
        } else if (length < LINE_MAX) {
            line[length++] = byte;
        }
    }
    line[length] = '\0';
    return length;
}

int guest_main(const struct bulkhead_boot_info *info)
{
    char line[LINE_MAX + 1];

    if (!info->console_ring) {
        printf("pv-echo: FAIL no console ring\n");
        return GUEST_STATUS_FAIL;
    }
    printf("pv-echo: ready, type a line (quit ends)\n");
    do {
        read_line(line);
        printf("pv-echo: got '%s'\n", line);
    } while (strncmp(line, "quit", sizeof(line)) != 0);
    return GUEST_STATUS_PASS;
}
