/*
 * check-config: reads a Bulkhead config file on the build machine with the
 * same reader the UEFI stub uses, so a mistake shows up before the USB stick
 * is written. Prints the stub's own message and exits 1 on a bad config.
 *
 *   check-config config/bulkhead.cfg
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/config.h"

/* Far above any sensible config; keeps a mistaken argument from eating memory. */
#define MAX_CONFIG_SIZE (1024 * 1024)

static char *read_file(const char *path, size_t *len)
{
    FILE *file = fopen(path, "rb");
    char *text = malloc(MAX_CONFIG_SIZE + 1);

    if (file == NULL || text == NULL) {
        free(text);
        if (file != NULL)
            fclose(file);
        return NULL;
    }
    *len = fread(text, 1, MAX_CONFIG_SIZE + 1, file);
    if (ferror(file) || *len > MAX_CONFIG_SIZE) {
        errno = ferror(file) ? EIO : EFBIG;
        free(text);
        text = NULL;
    }
    fclose(file);
    return text;
}

static const char *on_finish_name(enum config_on_finish on_finish)
{
    return on_finish == CONFIG_FINISH_HALT ? "halt" : "poweroff";
}

static void print_summary(const char *path, const struct config *config)
{
    const struct config_hypervisor *hv = &config->hypervisor;

    printf("%s: ok\n", path);
    if (hv->serial_port != 0)
        printf("  serial      0x%x\n", hv->serial_port);
    else
        printf("  serial      none\n");
    printf("  framebuffer %s\n", hv->framebuffer ? "yes" : "no");
    printf("  probe       %s\n", hv->probe_image[0] != '\0' ? hv->probe_image : "none");
    printf("  on_finish   %s\n", on_finish_name(hv->on_finish));
    for (size_t i = 0; i < config_image_count(config); i++)
        printf("  loads       %s\n", config_image_name(config, i));
}

int main(int argc, char **argv)
{
    struct config config;
    struct config_error error;
    char message[CONFIG_NAME_LEN + CONFIG_MESSAGE_LEN + 16];
    size_t len;
    char *text;

    if (argc != 2) {
        fprintf(stderr, "usage: check-config FILE\n");
        return 2;
    }
    text = read_file(argv[1], &len);
    if (text == NULL) {
        fprintf(stderr, "check-config: cannot read %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    if (config_parse(text, len, argv[1], &config, &error) != 0) {
        config_format_error(&error, message, sizeof(message));
        fprintf(stderr, "bulkhead: error: %s\n", message);
        free(text);
        return 1;
    }
    print_summary(argv[1], &config);
    free(text);
    return 0;
}
