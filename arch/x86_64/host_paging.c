#include "arch/x86_64/host_paging.h"

#include "arch/x86_64/cpu.h"
#include "hv/arch.h"
#include "hv/log.h"
#include "hv/memory.h"

/* Section bounds from linker.ld. */
extern char __core_start[], __text_start[], __text_end[], __rodata_start[], __rodata_end[],
    __data_start[], __data_end[], __core_end[];

struct pt_builder host_tables;

uint64_t paging_table_alloc(void *ctx)
{
    (void)ctx;
    return memory_alloc_pages(1);
}

void *paging_table_pointer(void *ctx, uint64_t phys)
{
    (void)ctx;
    return phys_to_virt(phys);
}

static uint64_t core_phys_of(const char *va, const struct boot_info *boot)
{
    return boot->core_phys + (uint64_t)(va - __core_start);
}

static void map_or_die(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
    enum pt_status status = pt_map(&host_tables, va, pa, size, flags);

    if (status != PT_OK) {
        log_trace_error("cannot map 0x%llx (+0x%llx): status %d", (unsigned long long)va,
                        (unsigned long long)size, status);
        arch_halt_forever();
    }
}

/* W^X: text is read-only and executable, rodata read-only, data writable. */
static void map_core_image(const struct boot_info *boot)
{
    map_or_die((uint64_t)__text_start, core_phys_of(__text_start, boot),
               (uint64_t)(__text_end - __text_start), PTE_PRESENT | PTE_GLOBAL);
    map_or_die((uint64_t)__rodata_start, core_phys_of(__rodata_start, boot),
               (uint64_t)(__rodata_end - __rodata_start), PTE_PRESENT | PTE_GLOBAL | PTE_NX);
    map_or_die((uint64_t)__data_start, core_phys_of(__data_start, boot),
               (uint64_t)(__data_end - __data_start),
               PTE_PRESENT | PTE_WRITABLE | PTE_GLOBAL | PTE_NX);
}

/* Everything below the highest address the firmware described, and at least
 * the 4 GiB that hold the local APIC and the framebuffer. */
static uint64_t direct_map_size(const struct boot_info *boot)
{
    uint64_t top = 1ull << 32;

    for (unsigned i = 0; i < boot->memory_region_count; i++) {
        uint64_t end = boot->memory[i].base + boot->memory[i].pages * PAGE_SIZE;
        if (end > top)
            top = end;
    }
    if (boot->framebuffer.phys + boot->framebuffer.size > top)
        top = boot->framebuffer.phys + boot->framebuffer.size;
    return (top + PAGE_SIZE_1G - 1) & ~(PAGE_SIZE_1G - 1);
}

static uint64_t large_page_sizes(void)
{
    bool has_1g = cpu_cpuid(0x80000001, 0).edx & (1u << 26);

    return PAGE_SIZE_2M | (has_1g ? PAGE_SIZE_1G : 0);
}

/* "r-x" style permissions of the page at va, as the tables say. */
static const char *page_permissions(uint64_t va)
{
    uint64_t pa, flags;

    if (!pt_translate(&host_tables, va, &pa, &flags))
        return "---";
    if (flags & PTE_WRITABLE)
        return (flags & PTE_NX) ? "rw-" : "rwx";
    return (flags & PTE_NX) ? "r--" : "r-x";
}

/* Checks the tables just built rather than trusting the code that built
 * them: no page of the core may be both writable and executable. */
void arch_paging_report(void)
{
    unsigned writable_and_executable = 0;

    for (uint64_t va = (uint64_t)__core_start; va < (uint64_t)__core_end; va += PAGE_SIZE) {
        const char *permissions = page_permissions(va);
        writable_and_executable += permissions[1] == 'w' && permissions[2] == 'x';
    }
    log_line("paging: text %s, rodata %s, data %s, direct map %s",
             page_permissions((uint64_t)__text_start), page_permissions((uint64_t)__rodata_start),
             page_permissions((uint64_t)__data_start), page_permissions(DIRECT_MAP_BASE));
    if (writable_and_executable)
        log_error("paging: %u pages of the core are writable and executable",
                  writable_and_executable);
}

void arch_paging_init(const struct boot_info *boot)
{
    /* Tables are reached through the stub's identity map until the switch. */
    host_tables = (struct pt_builder){
        .root = memory_alloc_pages(1),
        .alloc_table = paging_table_alloc,
        .table_pointer = paging_table_pointer,
        .table_flags = PTE_PRESENT | PTE_WRITABLE,
        .present_mask = PTE_PRESENT,
        .large_sizes = large_page_sizes(),
    };
    if (!host_tables.root) {
        log_error("out of memory building the page tables");
        arch_halt_forever();
    }
    map_core_image(boot);
    map_or_die(DIRECT_MAP_BASE, 0, direct_map_size(boot),
               PTE_PRESENT | PTE_WRITABLE | PTE_GLOBAL | PTE_NX);

    cpu_write_msr(MSR_IA32_EFER, cpu_read_msr(MSR_IA32_EFER) | EFER_NXE);
    cpu_write_cr0(cpu_read_cr0() | CR0_WP);
    cpu_write_cr4(cpu_read_cr4() | CR4_PGE);
    cpu_write_cr3(host_tables.root);
    memory_use_direct_map();
}

int host_map_fresh_pages(uint64_t va, uint64_t pages)
{
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t phys = memory_alloc_pages(1);
        if (!phys || pt_map(&host_tables, va + i * PAGE_SIZE, phys, PAGE_SIZE,
                            PTE_PRESENT | PTE_WRITABLE | PTE_NX) != PT_OK)
            return 0;
    }
    return 1;
}
