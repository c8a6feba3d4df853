/*
 * check-config: reads a Bulkhead config file on the build machine with the
 * same reader the UEFI stub uses, so a mistake shows up before the USB stick
 * is written. Prints the stub's own message and exits 1 on a bad config.
 *
 *   check-config [--cpus N] [--memory SIZE] config/bulkhead.cfg
 *
 * With --cpus and --memory it also runs the checks the stub makes once it
 * knows the machine: every partition's CPUs present, all partitions' memory
 * within SIZE (bytes, or with a K, M or G suffix). Without them the machine
 * checks are skipped, and each option alone leaves the other limit open.
 *
 * Images and initrds that lie beside the config file are checked as the
 * hypervisor would load them (tools/check-images.c); those it does not find
 * are listed as not checked.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config.h"
#include "tools/check-images.h"

/* Far above any sensible config; keeps a mistaken argument from eating memory. */
#define MAX_CONFIG_SIZE (1024 * 1024)
/* Any count from CONFIG_MAX_CPUS up checks the same; this only catches typos. */
#define MAX_MACHINE_CPUS 65536

struct options {
    const char *path;
    unsigned cpus;   /* 0: not given */
    uint64_t memory; /* 0: not given */
};

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

static uint64_t size_unit(const char *suffix)
{
    if (suffix[0] == '\0')
        return 1;
    if (suffix[1] != '\0')
        return 0;
    switch (suffix[0]) {
    case 'K':
    case 'k':
        return 1ull << 10;
    case 'M':
    case 'm':
        return 1ull << 20;
    case 'G':
    case 'g':
        return 1ull << 30;
    default:
        return 0;
    }
}

/* A positive number with an optional K, M or G suffix; 0 when text is not one. */
static uint64_t parse_size(const char *text)
{
    char *end;
    unsigned long long number;
    uint64_t unit;

    if (text[0] < '0' || text[0] > '9')
        return 0;
    errno = 0;
    number = strtoull(text, &end, 10);
    unit = size_unit(end);
    if (errno != 0 || unit == 0 || number > UINT64_MAX / unit)
        return 0;
    return number * unit;
}

/* A whole number from 1 to max; 0 when text is not one. */
static unsigned long parse_count(const char *text, unsigned long max)
{
    char *end;
    unsigned long number;

    if (text[0] < '0' || text[0] > '9')
        return 0;
    errno = 0;
    number = strtoul(text, &end, 10);
    return errno == 0 && *end == '\0' && number <= max ? number : 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: check-config [--cpus N] [--memory SIZE] FILE\n");
    return 2;
}

/* Returns 0, or the exit status for a bad command line. */
static int parse_options(int argc, char **argv, struct options *options)
{
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(argv[i], "--cpus") == 0 && value != NULL) {
            options->cpus = (unsigned)parse_count(value, MAX_MACHINE_CPUS);
            if (options->cpus == 0)
                return usage();
            i++;
        } else if (strcmp(argv[i], "--memory") == 0 && value != NULL) {
            options->memory = parse_size(value);
            if (options->memory == 0)
                return usage();
            i++;
        } else if (argv[i][0] != '-' && options->path == NULL) {
            options->path = argv[i];
        } else {
            return usage();
        }
    }
    return options->path != NULL ? 0 : usage();
}

static const char *on_finish_name(enum config_on_finish on_finish)
{
    return on_finish == CONFIG_FINISH_HALT ? "halt" : "poweroff";
}

static void print_cpus(const struct config_partition *partition)
{
    const char *separator = "";

    for (unsigned cpu = 0; cpu < CONFIG_MAX_CPUS; cpu++) {
        if (config_partition_has_cpu(partition, cpu)) {
            printf("%s%u", separator, cpu);
            separator = ",";
        }
    }
}

/* In the largest of G, M and K that divides it, as the file would say it. */
static void print_size(uint64_t bytes)
{
    static const char suffixes[] = "GMK";

    for (int shift = 30, i = 0; shift > 0; shift -= 10, i++) {
        if (bytes % (1ull << shift) == 0) {
            printf("%llu%c", (unsigned long long)(bytes >> shift), suffixes[i]);
            return;
        }
    }
    printf("%llu", (unsigned long long)bytes);
}

static void print_partition(const struct config_partition *p)
{
    printf("  partition   %s: cpus ", p->name);
    print_cpus(p);
    printf(", memory ");
    print_size(p->memory);
    printf(", %s %s", p->kernel ? "kernel" : "image", p->image);
    if (p->initrd[0] != '\0')
        printf(", initrd %s", p->initrd);
    if (p->cmdline_line != 0)
        printf(", cmdline \"%s\"", p->cmdline);
    printf(", mode %s%s, on_crash %s, console %s", p->mode == CONFIG_MODE_PV ? "pv" : "full",
           p->privileged ? ", privileged" : "",
           p->on_crash == CONFIG_ON_CRASH_RESTART ? "restart" : "stop",
           p->console == CONFIG_CONSOLE_NONE ? "none" : "debugcon");
    if (p->time_limit_seconds != 0)
        printf(", time_limit %us", p->time_limit_seconds);
    printf("\n");
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
    for (unsigned i = 0; i < config->partition_count; i++)
        print_partition(&config->partitions[i]);
    for (size_t i = 0; i < config_image_count(config); i++)
        printf("  loads       %s\n", config_image_name(config, i));
}

static int report(const struct config_error *error)
{
    char message[CONFIG_NAME_LEN + CONFIG_MESSAGE_LEN + 16];

    config_format_error(error, message, sizeof(message));
    fprintf(stderr, "bulkhead: error: %s\n", message);
    return 1;
}

/* The directory part of path ("." for none), into dir. */
static void directory_of(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) : 0;

    if (slash == NULL || len >= size)
        snprintf(dir, size, ".");
    else
        snprintf(dir, size, "%.*s", slash == path ? 1 : (int)len, path);
}

/* The images beside the config; their lines follow the summary. */
static int check_files(const char *path, const struct config *config)
{
    char dir[4096], line[256];
    struct config_error error;
    FILE *lines = tmpfile();

    if (lines == NULL)
        lines = stderr;
    directory_of(path, dir, sizeof(dir));
    if (check_images(config, dir, lines, &error) != 0)
        return report(&error);
    print_summary(path, config);
    if (lines != stderr) {
        rewind(lines);
        while (fgets(line, sizeof(line), lines))
            fputs(line, stdout);
        fclose(lines);
    }
    return 0;
}

static int check(const struct options *options, const char *text, size_t len)
{
    struct config config;
    struct config_error error;
    unsigned cpus = options->cpus != 0 ? options->cpus : CONFIG_MAX_CPUS;
    uint64_t memory = options->memory != 0 ? options->memory : UINT64_MAX;

    if (config_parse(text, len, options->path, &config, &error) != 0)
        return report(&error);
    if ((options->cpus != 0 || options->memory != 0) &&
        config_check_machine(&config, cpus, memory, &error) != 0)
        return report(&error);
    return check_files(options->path, &config);
}

int main(int argc, char **argv)
{
    struct options options = {0};
    int status = parse_options(argc, argv, &options);
    size_t len;
    char *text;

    if (status != 0)
        return status;
    text = read_file(options.path, &len);
    if (text == NULL) {
        fprintf(stderr, "check-config: cannot read %s: %s\n", options.path, strerror(errno));
        return 2;
    }
    status = check(&options, text, len);
    free(text);
    return status;
}
