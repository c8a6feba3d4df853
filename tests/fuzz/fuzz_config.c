/*
 * libFuzzer harness for the config reader: any bytes must give either a
 * config or one error with a line inside the file, and never a read outside
 * the input (AddressSanitizer watches that; the input is not NUL-terminated).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True when s has a terminator within its size bytes. */
static int terminated(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

static size_t count_lines(const uint8_t *data, size_t size)
{
    size_t lines = 1;

    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    return lines;
}

static void check_config(const struct config *config)
{
    size_t count = config_image_count(config);

    if (!terminated(config->hypervisor.probe_image, CONFIG_NAME_LEN))
        abort();
    for (size_t i = 0; i < count; i++) {
        const char *name = config_image_name(config, i);
        if (name == NULL || name[0] == '\0' || !terminated(name, CONFIG_NAME_LEN))
            abort();
    }
    if (config_image_name(config, count) != NULL)
        abort();
}

static void check_error(const struct config_error *error, size_t lines)
{
    char text[CONFIG_NAME_LEN + CONFIG_MESSAGE_LEN + 16];

    if (error->line == 0 || error->line > lines || error->message[0] == '\0' ||
        !terminated(error->message, CONFIG_MESSAGE_LEN) ||
        !terminated(error->file, CONFIG_NAME_LEN))
        abort();
    config_format_error(error, text, sizeof(text));
    if (!terminated(text, sizeof(text)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A private copy of exactly size bytes, so any over-read hits a redzone. */
    char *text = malloc(size ? size : 1);
    struct config config;
    struct config_error error;

    memcpy(text, data, size);
    if (config_parse(text, size, "fuzz.cfg", &config, &error) == 0)
        check_config(&config);
    else
        check_error(&error, count_lines(data, size));
    free(text);
    return 0;
}
