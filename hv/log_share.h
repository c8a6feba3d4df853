/* A partition's part of what the serial still has to print
 * (log_console_line() in hv/log.h), kept in its struct partition. */
#ifndef HV_LOG_SHARE_H
#define HV_LOG_SHARE_H

#include <stdint.h>

struct log_console_share {
    uint64_t last_end; /* where its newest line ends in the log */
    uint64_t unsent;   /* bytes it printed since the serial last had all of them out */
};

#endif
