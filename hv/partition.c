#include "hv/partition.h"

#include "arch/x86_64/guest_boot.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/vcpu_run.h"
#include "hv/arch.h"
#include "hv/guest_abi.h"
#include "hv/log.h"
#include "hv/memory.h"
#include "hv/partition_image.h"
#include "hv/string.h"

static struct partition partitions[CONFIG_MAX_PARTITIONS];
static unsigned partition_count;
static struct vcpu vcpus[MAX_CPUS]; /* indexed by physical CPU */
static volatile unsigned partitions_active;
static uint64_t tsc_ticks_per_second;

static const struct boot_module *find_image(const struct boot_info *boot, const char *name)
{
    for (unsigned i = 0; i < boot->module_count; i++) {
        if (strncmp(boot->modules[i].name, name, BOOT_NAME_LEN) == 0)
            return &boot->modules[i];
    }
    return 0;
}

static unsigned lowest_cpu(const struct config_partition *c)
{
    for (unsigned cpu = 0; cpu < CONFIG_MAX_CPUS; cpu++) {
        if (config_partition_has_cpu(c, cpu))
            return cpu;
    }
    return 0;
}

/* EPT table pages are counted through the allocator's context. */
static uint64_t counting_table_alloc(void *ctx)
{
    uint64_t phys = memory_alloc_pages(1);

    if (phys)
        ++*(uint64_t *)ctx;
    return phys;
}

/* RAM in one piece, on a 2 MiB boundary when there is one, so that the EPT
 * can use large pages throughout. */
static bool allocate_ram(struct partition *p)
{
    uint64_t pages = p->config->memory / FRAME_SIZE;

    p->ram_size = p->config->memory;
    p->ram_phys = memory_alloc_aligned(pages, PAGE_SIZE_2M);
    if (!p->ram_phys)
        p->ram_phys = memory_alloc_aligned(pages, FRAME_SIZE);
    return p->ram_phys != 0;
}

static const char *build_address_space(struct partition *p)
{
    if (!allocate_ram(p))
        return "not enough memory for its RAM";
    if (!ept_create(&p->ept))
        return "not enough memory for its EPT";
    p->ept.tables.alloc_table = counting_table_alloc;
    p->ept.tables.ctx = &p->ept_pages;
    p->ept_pages = 1;
    if (ept_map_ram(&p->ept, 0, p->ram_phys, p->ram_size) != PT_OK)
        return "not enough memory for its EPT";
    return 0;
}

static bool create_one(struct partition *p, unsigned id, const struct config_partition *c,
                       const struct boot_info *boot)
{
    const char *problem;

    *p = (struct partition){.id = id, .config = c, .boot_cpu = lowest_cpu(c)};
    p->image = find_image(boot, c->image);
    problem = p->image ? build_address_space(p) : "its image was not loaded";
    if (!problem)
        problem = partition_image_load(p);
    if (problem) {
        log_error("partition %s: cannot be built: %s", c->name, problem);
        return false;
    }
    log_line("partition %s: id %u, %u cpu(s) from cpu%u, %llu MiB at 0x%llx, %s image %s, "
             "entry 0x%llx",
             c->name, id, c->cpu_count, p->boot_cpu, (unsigned long long)(p->ram_size >> 20),
             (unsigned long long)p->ram_phys, p->long_mode ? "long-mode" : "real-mode", c->image,
             (unsigned long long)p->entry);
    log_line("partition %s: hypervisor overhead %llu bytes (EPT %llu, VMCS %u per vCPU)", c->name,
             (unsigned long long)((p->ept_pages + c->cpu_count) * PAGE_SIZE),
             (unsigned long long)(p->ept_pages * PAGE_SIZE), (unsigned)PAGE_SIZE);
    return true;
}

bool partitions_create(const struct config *config, const struct boot_info *boot, uint64_t tsc_hz)
{
    tsc_ticks_per_second = tsc_hz;
    for (unsigned i = 0; i < config->partition_count; i++) {
        if (!create_one(&partitions[i], i + 1, &config->partitions[i], boot))
            return false;
    }
    partition_count = config->partition_count;
    partitions_active = partition_count;
    return true;
}

static struct partition *partition_of_cpu(unsigned cpu)
{
    for (unsigned i = 0; i < partition_count; i++) {
        if (config_partition_has_cpu(partitions[i].config, cpu))
            return &partitions[i];
    }
    return 0;
}

static bool start_boot_vcpu(struct partition *p, struct vcpu *v)
{
    struct vcpu_entry entry = {
        .long_mode = p->long_mode,
        .rip = p->entry,
        .rsp = p->long_mode ? GUEST_STACK_TOP : 0,
        .rdi = p->long_mode ? GUEST_BOOT_INFO_ADDRESS : 0,
        .page_tables = GUEST_PAGE_TABLES_ADDRESS,
        .gdt_base = GUEST_GDT_ADDRESS,
        .gdt_limit = GUEST_GDT_LIMIT,
    };
    unsigned seconds = p->config->time_limit_seconds;

    p->deadline_tsc = seconds ? arch_read_tsc() + seconds * tsc_ticks_per_second : 0;
    if (!vcpu_prepare(v, &entry, p->ept.pointer, seconds != 0))
        return false;
    if (seconds)
        vcpu_set_preemption_timer(p->deadline_tsc - arch_read_tsc());
    return true;
}

static void report_end(struct partition *p, const struct vcpu *v)
{
    if (p->state == PARTITION_CRASHED)
        log_line("partition %s: crashed", p->config->name);
    else if (p->has_exit_status)
        log_line("partition %s: stopped (exit status %u)", p->config->name, p->exit_status);
    else
        log_line("partition %s: stopped (%s)", p->config->name,
                 v->state == VCPU_HALTED ? "halted" : p->stop_cause);
}

/* A crashed partition with on_crash = restart starts again from a fresh
 * copy of its image, a bounded number of times. */
static bool should_restart(struct partition *p)
{
    if (p->config->on_crash != CONFIG_ON_CRASH_RESTART || p->restarts == PARTITION_MAX_RESTARTS)
        return false;
    p->restarts++;
    log_line("partition %s: restarting (%u of %u)", p->config->name, p->restarts,
             PARTITION_MAX_RESTARTS);
    return partition_image_load(p) == 0;
}

static void run_boot_vcpu(struct partition *p, struct vcpu *v)
{
    for (;;) {
        if (!start_boot_vcpu(p, v)) {
            log_error("partition %s: the CPU refused its VMCS", p->config->name);
            v->state = VCPU_CRASHED;
        } else {
            log_line("partition %s: running on cpu%u", p->config->name, v->cpu_index);
            vcpu_run(v);
        }
        if (v->state != VCPU_CRASHED || !should_restart(p))
            break;
    }
    p->state = v->state == VCPU_CRASHED ? PARTITION_CRASHED : PARTITION_STOPPED;
    report_end(p, v);
    __atomic_sub_fetch(&partitions_active, 1, __ATOMIC_RELEASE);
}

void partitions_run_on_this_cpu(unsigned cpu)
{
    struct partition *p = partition_of_cpu(cpu);

    if (!p)
        return;
    struct vcpu *v = &vcpus[cpu];
    *v = (struct vcpu){.cpu_index = cpu, .partition = p, .vpid = (uint16_t)(cpu + 1)};
    if (cpu != p->boot_cpu) {
        /* Starting further vCPUs needs INIT-SIPI through a virtual local
         * APIC, which partitions do not have yet. */
        log_line("partition %s: cpu%u reserved for it, idle", p->config->name, cpu);
        return;
    }
    run_boot_vcpu(p, v);
}

void partitions_wait(void)
{
    while (__atomic_load_n(&partitions_active, __ATOMIC_ACQUIRE))
        cpu_pause();
}

struct partition_counts partitions_count(void)
{
    struct partition_counts counts = {.total = partition_count};

    for (unsigned i = 0; i < partition_count; i++) {
        counts.running += partitions[i].state == PARTITION_RUNNING;
        counts.stopped += partitions[i].state == PARTITION_STOPPED;
        counts.crashed += partitions[i].state == PARTITION_CRASHED;
    }
    return counts;
}
