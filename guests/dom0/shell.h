/* dom0's management commands, run from its boot script (the config's
 * `script` line): list, stats, stop, start, restart, destroy, wait, log,
 * poweroff, reboot, and crash (on the first run only, to test dom0's
 * restart). */
#ifndef GUESTS_DOM0_SHELL_H
#define GUESTS_DOM0_SHELL_H

/* Runs the ';'-separated commands in order; each is echoed first. */
void shell_run_script(const char *script);

#endif
