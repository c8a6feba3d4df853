/*
 * Spinning before sleeping, on both ends of an I/O request (the config key
 * ioreq_poll): a vCPU waiting for the server's answer, and the server in
 * HC_BLOCK waiting for the next request. What it finds and what it costs
 * are counted and logged at the end of each partition's run.
 */
#ifndef HV_IOREQ_POLL_H
#define HV_IOREQ_POLL_H

#include <stdbool.h>
#include <stdint.h>

enum ioreq_poll_side {
    IOREQ_POLL_SERVER, /* the server, for a request */
    IOREQ_POLL_WAITER, /* a paused vCPU, for its answer */
    IOREQ_POLL_SIDES
};

/* The window in TSC ticks; 0 (the default) never spins. */
void ioreq_set_poll(uint64_t ticks);

/* Spins until done(what) or the window passes; whether done() came. */
bool ioreq_poll(bool (*done)(const void *what), const void *what, enum ioreq_poll_side side);

/* Logs what polling found and cost since the last report. */
void ioreq_report_polling(void);

#endif
