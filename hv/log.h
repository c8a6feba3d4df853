/*
 * The hypervisor log. Every line goes to the serial console and the
 * framebuffer console from the first line on, prefixed "bulkhead: ", and into
 * the log ring (hv/log_ring.h), which the privileged partition can read.
 * Lines from different CPUs never interleave.
 *
 * While partitions run, the serial prints the ring behind the writers: a
 * line is appended and the writer goes on; whichever CPU finds the UART's
 * FIFO empty (a writer, the boot CPU waiting for the partitions, a vCPU
 * asleep, an idle CPU) refills it without waiting. A writer waits only when
 * the serial still owes the ring's whole size. Errors, a fault's report and the last
 * lines before power-off go out at once, polling.
 */
#ifndef HV_LOG_H
#define HV_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/fbcon.h"
#include "hv/log_ring.h"
#include "hv/log_share.h"

void log_use_serial(uint16_t port);
void log_use_framebuffer(struct fbcon *console);
/* From here on, each line starts with `[seconds.microseconds]` since the
 * TSC read zero_tsc (the `timestamps` key). */
void log_use_timestamps(uint64_t zero_tsc, uint64_t tsc_hz);

/* One line: "bulkhead: " + the formatted text + newline. */
void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "bulkhead: error: ..." */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A line of a partition's console, "[name] text". Dropped (false) when it
 * would take the partition's own unsent bytes past LOG_CONSOLE_SHARE, or
 * everyone's past LOG_CONSOLE_BACKLOG, so that one partition printing
 * without pause cannot fill the serial's backlog and hold up everyone
 * else's lines: a quarter of the ring each (no test guest prints that much
 * at once), three quarters in all (two such partitions and everyone
 * else's still fit). share 0: never dropped. */
#define LOG_CONSOLE_SHARE   (LOG_RING_SIZE / 4)
#define LOG_CONSOLE_BACKLOG (LOG_RING_SIZE / 4 * 3)
bool log_console_line(struct log_console_share *share, const char *name, const char *text);

/* Feeds the UART what its FIFO takes now, unless another CPU is doing so;
 * log_serial_owes() says whether there is anything to feed. */
void log_drain_serial(void);
bool log_serial_owes(void);

/* From true (partitions run) to false, each line goes out at once again,
 * and what the serial owed goes out first. */
void log_serial_asynchronous(bool asynchronous);

/* HC_LOG_READ: up to `length` bytes of the ring from stream position
 * `cursor` (or from the oldest byte held, if that is newer); *start is the
 * position of the first byte copied, *end the end of the log. Returns the
 * number of bytes copied. */
uint64_t log_read(const void *reader, uint64_t cursor, char *to, uint64_t length, uint64_t *start,
                  uint64_t *end);

/* The serial console's port, 0 when there is none. */
uint16_t log_serial_port(void);

/* HC_CONSOLE_TAKE: `owner` (a partition) prints the log from now on; the
 * hypervisor writes it only into the ring, which the owner reads with
 * log_read(). *from is the position the owner starts printing at. False
 * when another owner has it. */
bool log_hand_over_console(const void *owner, uint64_t *from);

/* The console goes back to the hypervisor: when its owner's run ends
 * (owner), or when the hypervisor itself faults (0: whoever has it).
 * What the owner had not read is printed first. False if `owner` did not
 * have it. */
bool log_take_back_console(const void *owner);

/* From here on the log's newest lines are also kept in `page` (a struct
 * crash_page at a fixed address, lib/crash_page.h), which the next boot's
 * stub reads after a warm reset; what the ring holds already goes in first. */
void log_keep_in_crash_page(void *page);

/* Around the lines of a hypervisor fault's report: the first fault's lines
 * are kept apart in the crash page, which then says the boot faulted. */
void log_fault_report_begin(void);
void log_fault_report_end(void);

/* The machine powers off, halts or resets on purpose: the crash page says
 * so, unless it holds a fault already. */
void log_ended_cleanly(void);

/* Marks where an error is born: file and line, then the message. */
#define log_trace_error(fmt, ...) log_error("%s:%d: " fmt, __FILE__, __LINE__, ##__VA_ARGS__)

#endif
