/*
 * The one contract between the UEFI stub (boot/) and the core: a single
 * versioned structure the stub fills before ExitBootServices and hands to the
 * core's entry point in RDI (a physical address, identity-mapped at entry).
 * Everything in it is plain data with fixed-size arrays so that both sides and
 * the host unit tests can use it without an allocator.
 */
#ifndef HV_BOOT_INFO_H
#define HV_BOOT_INFO_H

#include <stdint.h>

#define BOOT_INFO_MAGIC   0x4f464e494b4c4842ull /* "BHLKINFO" */
#define BOOT_INFO_VERSION 3

#define BOOT_MAX_CPUS           256
#define BOOT_MAX_MODULES        16
#define BOOT_MAX_MEMORY_REGIONS 512
#define BOOT_NAME_LEN           64

/* Memory region types, simplified from the UEFI map by the stub. */
enum boot_memory_type {
    BOOT_MEM_USABLE = 1,   /* free RAM the core may hand out */
    BOOT_MEM_RESERVED,     /* firmware, runtime services, holes: never touch */
    BOOT_MEM_ACPI_RECLAIM, /* ACPI tables: read them, keep them */
    BOOT_MEM_ACPI_NVS,
    BOOT_MEM_MMIO,
    BOOT_MEM_CORE,       /* the core's own image */
    BOOT_MEM_MODULE,     /* config text and guest images loaded by the stub */
    BOOT_MEM_BOOT_DATA,  /* boot_info and the stub's page tables */
    BOOT_MEM_TRAMPOLINE, /* the page below 1 MiB kept for AP start-up */
    BOOT_MEM_CRASH_PAGE, /* lib/crash_page.h: the log kept across a warm reset */
};

struct boot_memory_region {
    uint64_t base;  /* physical, 4 KiB aligned */
    uint64_t pages; /* 4 KiB pages */
    uint32_t type;  /* enum boot_memory_type */
    uint32_t reserved;
};

/* A file the stub loaded from the ESP (the config, guest images). */
struct boot_module {
    char name[BOOT_NAME_LEN]; /* file name as written in the config */
    uint64_t phys;            /* page aligned */
    uint64_t size;            /* bytes */
};

#define BOOT_CPU_BSP 1u

struct boot_cpu {
    uint32_t apic_id;
    uint32_t flags; /* BOOT_CPU_* */
};

enum boot_fb_format {
    BOOT_FB_NONE = 0,
    BOOT_FB_RGBX = 1, /* byte order R, G, B, reserved */
    BOOT_FB_BGRX = 2, /* byte order B, G, R, reserved */
};

struct boot_framebuffer {
    uint64_t phys;
    uint64_t size;           /* bytes */
    uint32_t width, height;  /* pixels */
    uint32_t pixels_per_row; /* stride, >= width */
    uint32_t format;         /* enum boot_fb_format */
};

struct boot_info {
    uint64_t magic;   /* BOOT_INFO_MAGIC */
    uint32_t version; /* BOOT_INFO_VERSION */
    uint32_t size;    /* sizeof(struct boot_info) as the stub saw it */

    uint64_t acpi_rsdp; /* physical address of the RSDP, 0 when absent */
    struct boot_framebuffer framebuffer;

    uint64_t core_phys; /* where the core image was loaded */
    uint64_t core_pages;
    uint64_t trampoline_phys; /* one 4 KiB page below 1 MiB */
    uint64_t crash_page_phys; /* lib/crash_page.h, at a fixed address; 0 when none was free */
    int64_t time_of_day;      /* the firmware's clock just before the core started, UTC
                                 seconds since 1970; 0 when it has none */

    /* The config file, copied verbatim; its name is used in error messages. */
    char config_name[BOOT_NAME_LEN];
    uint64_t config_phys;
    uint64_t config_size;

    uint32_t cpu_count;
    uint32_t module_count;
    uint32_t memory_region_count;
    uint32_t reserved;

    struct boot_cpu cpus[BOOT_MAX_CPUS];
    struct boot_module modules[BOOT_MAX_MODULES];
    struct boot_memory_region memory[BOOT_MAX_MEMORY_REGIONS];
};

#endif
