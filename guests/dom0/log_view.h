/* dom0's `log` command: the hypervisor's log ring, as it stands when the
 * command starts, one "dom0: log: LINE" per line. */
#ifndef GUESTS_DOM0_LOG_VIEW_H
#define GUESTS_DOM0_LOG_VIEW_H

void log_view_print(void);

#endif
