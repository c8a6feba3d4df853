/* The image checks of check-config (see check-images.h). */
#include "tools/check-images.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/boot_image.h"
#include "lib/config_text.h"
#include "lib/elf.h"

/* Far above any kernel or initrd a partition boots. */
#define MAX_IMAGE_SIZE (1ull << 31)

struct file {
    uint8_t *bytes;
    uint64_t size;
};

/* The file name beside the config, or bytes == NULL when there is none. */
static struct file read_beside(const char *dir, const char *name)
{
    struct file file = {NULL, 0};
    char path[4096];
    FILE *stream;
    long size;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    stream = fopen(path, "rb");
    if (stream == NULL)
        return file;
    if (fseek(stream, 0, SEEK_END) == 0 && (size = ftell(stream)) >= 0 &&
        (uint64_t)size <= MAX_IMAGE_SIZE && fseek(stream, 0, SEEK_SET) == 0) {
        file.bytes = malloc(size ? (size_t)size : 1);
        if (file.bytes && fread(file.bytes, 1, (size_t)size, stream) == (size_t)size)
            file.size = (uint64_t)size;
        else {
            free(file.bytes);
            file.bytes = NULL;
        }
    }
    fclose(stream);
    return file;
}

/* The key a loader's problem is about: the initrd's, the command line's
 * or the kernel's own. */
static unsigned problem_line(const struct config_partition *p, const char *problem)
{
    if (strncmp(problem, "the initrd", 10) == 0 && p->initrd_line)
        return p->initrd_line;
    if (strncmp(problem, "the command line", 16) == 0 && p->cmdline_line)
        return p->cmdline_line;
    return p->image_line;
}

static const char *check_kernel(const struct config_partition *p, const char *dir,
                                const struct file *kernel, FILE *report)
{
    struct file initrd = {NULL, 0};
    struct guest_ram ram = {NULL, p->memory};
    struct boot_entry entry;
    const char *problem;

    if (p->initrd[0] != '\0') {
        initrd = read_beside(dir, p->initrd);
        if (initrd.bytes == NULL)
            fprintf(report, "  not found   %s beside the config: its placement not checked\n",
                    p->initrd);
    }
    struct boot_files files = {kernel->bytes, kernel->size, initrd.bytes, initrd.size, p->cmdline};
    problem = boot_kernel_load(&files, &ram, &entry);
    free(initrd.bytes);
    return problem;
}

static const char *const format_names[] = {
    [BOOT_IMAGE_FLAT] = "a flat real-mode image",  [BOOT_IMAGE_ELF] = "an ELF guest",
    [BOOT_IMAGE_LINUX] = "a Linux bzImage",        [BOOT_IMAGE_PVH] = "a PVH vmlinux",
    [BOOT_IMAGE_MULTIBOOT] = "a multiboot kernel",
};

/* Whether a partition before this one boots the same file (one line each). */
static bool named_before(const struct config *config, const struct config_partition *p)
{
    for (const struct config_partition *other = config->partitions; other < p; other++) {
        if (strcmp(other->image, p->image) == 0)
            return true;
    }
    return false;
}

static int check_partition(const struct config *config, const struct config_partition *p,
                           const char *dir, FILE *report, struct config_error *error)
{
    struct file image = read_beside(dir, p->image);
    enum boot_image_format format;
    struct elf_image elf;
    const char *problem = NULL;

    if (image.bytes == NULL) {
        if (!named_before(config, p))
            fprintf(report, "  not found   %s beside the config: not checked\n", p->image);
        return 0;
    }
    format = boot_image_format(image.bytes, image.size);
    if (boot_image_is_kernel(format) || p->kernel)
        problem = check_kernel(p, dir, &image, report);
    else if (format == BOOT_IMAGE_ELF && elf_parse(image.bytes, image.size, &elf) != ELF_OK)
        problem = elf_status_text(elf_parse(image.bytes, image.size, &elf));
    free(image.bytes);
    if (problem) {
        config_fail_at(error, problem_line(p, problem), "partition '%s': %s %s: %s", p->name,
                       p->kernel ? "kernel" : "image", p->image, problem);
        return -1;
    }
    if (!named_before(config, p))
        fprintf(report, "  checked     %s: %s\n", p->image, format_names[format]);
    return 0;
}

static int check_disk(const struct config_partition *p, const char *dir, FILE *report,
                      struct config_error *error)
{
    struct file image = read_beside(dir, p->disk.file);
    const char *problem;

    if (image.bytes == NULL) {
        fprintf(report, "  not found   %s beside the config: not checked\n", p->disk.file);
        return 0;
    }
    problem = config_disk_image_problem(image.size);
    free(image.bytes);
    if (problem) {
        config_fail_at(error, p->disk_line, "partition '%s': disk %s: %s", p->name, p->disk.file,
                       problem);
        return -1;
    }
    fprintf(report, "  checked     %s: a disk of %llu sectors\n", p->disk.file,
            (unsigned long long)(image.size / CONFIG_DISK_SECTOR_SIZE));
    return 0;
}

int check_images(const struct config *config, const char *dir, FILE *report,
                 struct config_error *error)
{
    config_error_start(error, config->file_name);
    for (unsigned i = 0; i < config->partition_count; i++) {
        const struct config_partition *p = &config->partitions[i];
        if (check_partition(config, p, dir, report, error) != 0 ||
            (p->disk.file[0] != 0 && check_disk(p, dir, report, error) != 0))
            return -1;
    }
    return 0;
}
