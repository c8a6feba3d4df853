/*
 * The configuration file reader, shared by the UEFI stub, the core and the
 * host tools. The file sits beside BOOTX64.EFI (bulkhead.cfg) and reads like
 * an INI file in the spirit of Xen's xen.cfg:
 *
 *   # comment
 *   [hypervisor]
 *   serial      = 0x3f8        # I/O port of the 16550 console, or "none"
 *   framebuffer = yes          # mirror the log on the GOP framebuffer
 *   probe       = probe.bin    # tiny guest run on every CPU as a VMX self-test
 *   on_finish   = poweroff     # poweroff | halt, once every guest has stopped
 *   crash_test  = none         # none | page-fault | stack-overflow (diagnostic)
 *
 * The reader never allocates and never trusts its input: every problem is
 * reported with the file name, the line number and one sentence.
 */
#ifndef HV_CONFIG_H
#define HV_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_NAME_LEN    64
#define CONFIG_MESSAGE_LEN 160

enum config_on_finish {
    CONFIG_FINISH_POWEROFF = 0,
    CONFIG_FINISH_HALT,
};

/* A deliberate fault on the boot CPU once every CPU has reported, to check
 * on a given machine that the hypervisor's exception report reaches the
 * consoles (and, for stack-overflow, that the guard page catches it). */
enum config_crash_test {
    CONFIG_CRASH_TEST_NONE = 0,
    CONFIG_CRASH_TEST_PAGE_FAULT,
    CONFIG_CRASH_TEST_STACK_OVERFLOW,
};

struct config_hypervisor {
    uint16_t serial_port; /* 0 when "none" */
    bool framebuffer;
    char probe_image[CONFIG_NAME_LEN]; /* empty when no probe guest is wanted */
    enum config_on_finish on_finish;
    enum config_crash_test crash_test;
};

struct config {
    struct config_hypervisor hypervisor;
};

struct config_error {
    char file[CONFIG_NAME_LEN];
    unsigned line; /* 1-based; 0 when the problem is not tied to a line */
    char message[CONFIG_MESSAGE_LEN];
};

/* Defaults used for keys the file does not set. */
void config_set_defaults(struct config *config);

/*
 * Parses len bytes of text (not NUL-terminated). Returns 0 and fills config,
 * or -1 and fills error with the first problem found. file_name is only used
 * in the error.
 */
int config_parse(const char *text, size_t len, const char *file_name, struct config *config,
                 struct config_error *error);

/* "file:line: message" into buf (always NUL-terminated). */
void config_format_error(const struct config_error *error, char *buf, size_t size);

/* Names of every image file the config refers to, for the stub to load. */
size_t config_image_count(const struct config *config);
const char *config_image_name(const struct config *config, size_t index);

#endif
