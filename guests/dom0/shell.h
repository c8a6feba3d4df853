/* dom0's management commands, run from its boot script (the config's
 * `script` line) or typed on the console: help, list, stats, stop, start,
 * restart, destroy, wait, console, log, poweroff, reboot, and crash (on the first run only, to test
 * dom0's restart). */
#ifndef GUESTS_DOM0_SHELL_H
#define GUESTS_DOM0_SHELL_H

#include <stdint.h>

/* The TSC's ticks a second (the boot-info page's tsc_hz), for `wait`'s
 * seconds; 0 leaves wait its default of a few million ticks. */
void shell_use_tsc(uint64_t tsc_hz);

/* Runs the ';'-separated commands in order; each is echoed first. */
void shell_run_script(const char *script);

/* Runs one command (split in place at spaces), as the operator typed it. */
void shell_run_command(char *command);

/* Implemented by the device models (main.c): serves the I/O requests and
 * console rings that are waiting, then sleeps until an event or the TSC
 * deadline. A command that waits for a partition calls it, since the
 * partition may need dom0's devices to get where it is waited for. */
void dom0_serve_until(uint64_t tsc_deadline);

#endif
