/* dom0's management commands, run from its boot script (the config's
 * `script` line) or typed on the console: help, list, stats, stop, start,
 * restart, destroy, wait, console, log, poweroff, reboot, and crash (on the first run only, to test
 * dom0's restart). */
#ifndef GUESTS_DOM0_SHELL_H
#define GUESTS_DOM0_SHELL_H

/* Runs the ';'-separated commands in order; each is echoed first. */
void shell_run_script(const char *script);

/* Runs one command (split in place at spaces), as the operator typed it. */
void shell_run_command(char *command);

#endif
