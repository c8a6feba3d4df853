#include "hv/partition.h"
#include "lib/pc_layout.h"

#include "hv/arch.h"
#include "hv/console_server.h"
#include "hv/device_irq.h"
#include "include/bulkhead/guest_abi.h"
#include "hv/ioreq.h"
#include "hv/ioreq_poll.h"
#include "hv/log.h"
#include "hv/memory.h"
#include "hv/partition_image.h"
#include "lib/string.h"

static struct partition partitions[CONFIG_MAX_PARTITIONS];
static unsigned partition_count;
static struct vcpu vcpus[CONFIG_MAX_CPUS]; /* indexed by physical CPU */
static volatile unsigned partitions_active;
static uint64_t tsc_ticks_per_second;
/* The firmware's time of day at boot (UTC seconds since 1970, 0: none), at a TSC value. */
static int64_t time_of_day_at_tsc;
static uint64_t time_of_day_tsc;
/* HC_MACHINE_CONTROL: every partition stops for good, none starts again. */
static volatile bool shutting_down;

const struct boot_module *partition_boot_module(const struct boot_info *boot, const char *name)
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

/* The block appears where the PC layout puts RAM: from 0, and past the
 * MMIO hole at 4 GiB for what does not fit below it. */
static bool map_ram(struct partition *p)
{
    struct pc_ram_piece pieces[PC_RAM_PIECES];
    unsigned count = pc_layout_ram_pieces(p->ram_size, pieces);

    for (unsigned i = 0; i < count; i++) {
        struct arch_memory_region ram = {pieces[i].guest, p->ram_phys + pieces[i].block_offset,
                                         pieces[i].size, ARCH_MEMORY_RAM};
        if (!arch_map_memory_region(p, &ram))
            return false;
    }
    return true;
}

static const char *build_address_space(struct partition *p)
{
    if (!allocate_ram(p))
        return "not enough memory for its RAM";
    if (!arch_partition_init(p) || !map_ram(p))
        return "not enough memory for its EPT";
    return 0;
}

/* A file the boot refuses is named as check-config names it: at the line
 * of its key. */
static bool load_image_reported(struct partition *p, const char *config_file)
{
    const struct config_partition *c = p->config;
    const char *problem = partition_image_load(p);

    if (problem)
        log_error("%s:%u: partition %s: cannot be built: %s %s: %s", config_file, c->image_line,
                  c->name, c->kernel ? "kernel" : "image", c->image, problem);
    return !problem;
}

static bool create_one(struct partition *p, unsigned id, const struct config *config,
                       const struct boot_info *boot)
{
    const struct config_partition *c = &config->partitions[id - 1];
    const char *problem;

    *p = (struct partition){.id = id, .config = c, .boot_cpu = lowest_cpu(c)};
    p->image = partition_boot_module(boot, c->image);
    p->initrd = c->initrd[0] ? partition_boot_module(boot, c->initrd) : 0;
    problem = p->image ? build_address_space(p) : "its image was not loaded";
    if (!problem && c->initrd[0] && !p->initrd)
        problem = "its initrd was not loaded";
    if (!problem && c->disk.kind != CONFIG_DISK_NONE)
        problem = partition_disk_problem(c, boot);
    if (!problem && c->device_count)
        problem = partition_devices_attach(p, boot);
    if (!problem && c->privileged)
        problem = partition_disks_attach(p, config, boot);
    if (!problem)
        problem = partition_models_register(p);
    if (problem) {
        log_error("partition %s: cannot be built: %s", c->name, problem);
        return false;
    }
    if (!load_image_reported(p, config->file_name))
        return false;
    log_line("partition %s: id %u, %u cpu(s) from cpu%u, %llu MiB at 0x%llx, %s image %s, "
             "entry 0x%llx",
             c->name, id, c->cpu_count, p->boot_cpu, (unsigned long long)(p->ram_size >> 20),
             (unsigned long long)p->ram_phys, partition_image_kind(p), c->image,
             (unsigned long long)p->entry);
    arch_partition_report_overhead(p);
    return true;
}

uint64_t partition_tsc_hz(void)
{
    return tsc_ticks_per_second;
}

void partition_set_time_of_day(int64_t seconds, uint64_t tsc)
{
    time_of_day_at_tsc = seconds;
    time_of_day_tsc = tsc;
}

int64_t partition_time_of_day(void)
{
    if (!time_of_day_at_tsc || !tsc_ticks_per_second)
        return 0;
    return time_of_day_at_tsc +
           (int64_t)((arch_read_tsc() - time_of_day_tsc) / tsc_ticks_per_second);
}

struct partition *partition_by_id(uint64_t id)
{
    if (!id || id > partition_count || partitions[id - 1].state == PARTITION_DESTROYED)
        return 0;
    return &partitions[id - 1];
}

static struct partition *partition_of_cpu(unsigned cpu)
{
    for (unsigned i = 0; i < partition_count; i++) {
        if (config_partition_has_cpu(partitions[i].config, cpu))
            return &partitions[i];
    }
    return 0;
}

/* vCPU n of a partition runs on the n-th of its CPUs, counted upwards. */
static unsigned vcpu_index_of(const struct partition *p, unsigned cpu)
{
    unsigned index = 0;

    for (unsigned c = 0; c < cpu; c++)
        index += config_partition_has_cpu(p->config, c);
    return index;
}

/* Runs the vCPU once it has been prepared; a crash ends the run of the
 * whole partition. */
static void run_vcpu(struct partition *p, struct vcpu *v)
{
    __atomic_add_fetch(&p->vcpus_running, 1, __ATOMIC_ACQ_REL);
    if (partition_vcpu_before_entry(v))
        arch_vcpu_run(v);
    if (v->state == VCPU_CRASHED) {
        p->crashed = true;
        partition_stop_all(p);
    }
    __atomic_sub_fetch(&p->vcpus_running, 1, __ATOMIC_ACQ_REL);
}

static void report_end(struct partition *p, const struct vcpu *v)
{
    partition_console_report_dropped(p);
    if (p->state == PARTITION_CRASHED)
        log_line("partition %s: crashed", p->config->name);
    else if (p->has_exit_status)
        log_line("partition %s: stopped (exit status %u)", p->config->name, p->exit_status);
    else if (p->stopped_by)
        log_line("partition %s: stopped by %s", p->config->name, p->stopped_by->config->name);
    else
        log_line("partition %s: stopped (%s)", p->config->name,
                 p->stop_cause ? p->stop_cause : (v->state == VCPU_HALTED ? "halted" : "ended"));
}

/* The partition that printed the log is gone: the hypervisor prints it
 * again, starting with what that partition had not printed. */
static void give_back_console(struct partition *p)
{
    if (log_take_back_console(p))
        log_line("console: back with the hypervisor: the run of partition %s ended",
                 p->config->name);
}

/* Everything of the previous run goes: channels, grants, the timer, its
 * exit status. An I/O server's claims stand: requests wait for it. */
static void forget_previous_run(struct partition *p)
{
    ioreq_server_suspend(p);
    give_back_console(p);
    device_irq_release(p);
    console_server_gone(p);
    grant_release_all(p);
    event_close_all(p);
    p->timer_deadline = 0;
    p->has_exit_status = false;
    p->stop_cause = 0;
}

/* A crashed partition with on_crash = restart starts again from a fresh
 * copy of its image, a bounded number of times. */
static bool should_restart(struct partition *p)
{
    if (p->config->on_crash != CONFIG_ON_CRASH_RESTART || p->restarts == PARTITION_MAX_RESTARTS ||
        shutting_down)
        return false;
    p->restarts++;
    log_error("partition %s crashed: restarting it (%u of %u)", p->config->name, p->restarts,
              PARTITION_MAX_RESTARTS);
    forget_previous_run(p);
    return partition_image_load(p) == 0;
}

static void wait_for_all_vcpus(struct partition *p)
{
    while (__atomic_load_n(&p->vcpus_running, __ATOMIC_ACQUIRE))
        spin_relax();
}

static void begin_run(struct partition *p)
{
    unsigned seconds = p->config->time_limit_seconds;

    p->stopping = false;
    p->crashed = false;
    arch_partition_reset_platform(p);
    p->deadline_tsc = seconds ? arch_read_tsc() + seconds * tsc_ticks_per_second : 0;
}

/* One run: from the boot vCPU's start until every vCPU has left. A crash
 * with on_crash = restart runs it again from a fresh image. */
static void run_once(struct partition *p, struct vcpu *v)
{
    for (;;) {
        begin_run(p);
        arch_vcpu_reset(v);
        if (!arch_vcpu_prepare_boot(v)) {
            log_error("partition %s: the CPU refused its VMCS", p->config->name);
            p->crashed = true;
        } else {
            log_line("partition %s: running on cpu%u", p->config->name, v->cpu_index);
            run_vcpu(p, v);
        }
        partition_stop_all(p);
        wait_for_all_vcpus(p);
        if (!p->crashed || !should_restart(p))
            break;
    }
    p->state = p->crashed ? PARTITION_CRASHED : PARTITION_STOPPED;
    trace_report(p);
    ioreq_report_polling();
    ioreq_server_gone(p);
    give_back_console(p);
    device_irq_release(p);
    console_server_gone(p);
    report_end(p, v);
}

/* Whether a privileged partition other than p is still there to send p a
 * command; when there is none, a stopped partition is done for good. */
static bool commander_alive(const struct partition *p)
{
    if (shutting_down)
        return false;
    for (unsigned i = 0; i < partition_count; i++) {
        const struct partition *q = &partitions[i];
        if (q != p && q->config->privileged && !q->finished)
            return true;
    }
    return false;
}

static enum partition_command wait_for_command(struct partition *p)
{
    while (p->command == PARTITION_COMMAND_NONE && commander_alive(p))
        arch_wait_for_interrupt(0);
    return p->command;
}

/* A run on command starts from a fresh copy of the image; the partition
 * is running from here on, and the command that started it is done. */
static bool prepare_new_run(struct partition *p)
{
    p->state = PARTITION_RUNNING;
    p->command = PARTITION_COMMAND_NONE;
    forget_previous_run(p);
    p->restarts = 0;
    return partition_image_load(p) == 0;
}

/* RAM goes back, but for a console ring page the backend still maps: that
 * one follows when the backend releases it. */
static void destroy(struct partition *p)
{
    bool ring_kept = console_partition_destroyed(p);
    uint64_t ring_page = p->ram_phys + GUEST_CONSOLE_RING_ADDRESS;

    grant_release_all(p);
    event_close_all(p);
    p->state = PARTITION_DESTROYED;
    if (!ring_kept) {
        memory_free_pages(p->ram_phys, p->ram_size / FRAME_SIZE);
        log_line("partition %s: destroyed, %llu MiB returned", p->config->name,
                 (unsigned long long)(p->ram_size >> 20));
        return;
    }
    memory_free_pages(p->ram_phys, GUEST_CONSOLE_RING_ADDRESS / FRAME_SIZE);
    memory_free_pages(ring_page + FRAME_SIZE,
                      (p->ram_size - GUEST_CONSOLE_RING_ADDRESS) / FRAME_SIZE - 1);
    log_line("partition %s: destroyed, %llu KiB returned, its console page once the backend "
             "releases it",
             p->config->name, (unsigned long long)((p->ram_size - FRAME_SIZE) >> 10));
}

/* Others waiting for this privileged partition's commands learn it is gone. */
static void release_waiters(const struct partition *p)
{
    for (unsigned i = 0; i < partition_count; i++) {
        struct partition *q = &partitions[i];
        if (q != p && q->vcpu_count && q->vcpus[0]->cpu_index != arch_cpu_index())
            arch_vcpu_kick(q->vcpus[0]);
    }
}

/* The boot vCPU's CPU owns the partition's life: its runs, and between
 * them the commands of the privileged partition. */
static bool privileged_partition_running(void)
{
    for (unsigned i = 0; i < partition_count; i++) {
        if (partitions[i].config->privileged && !partitions[i].finished)
            return true;
    }
    return false;
}

/* A full partition that names dom0's models starts once the I/O server has
 * claimed them: its first access must reach the model, not the empty bus
 * (the log no longer slows the other CPUs' start enough to hide that). */
static void wait_for_io_server(const struct partition *p)
{
    if (!p->config->emulated_count)
        return;
    while (!ioreq_claims_made() && privileged_partition_running() && !p->stopping) {
        log_drain_serial();
        spin_relax();
    }
}

static void run_boot_vcpu(struct partition *p, struct vcpu *v)
{
    enum partition_command command = PARTITION_COMMAND_NONE;

    wait_for_io_server(p);

    for (;;) {
        if (command != PARTITION_COMMAND_NONE && !prepare_new_run(p)) {
            log_error("partition %s: its image no longer loads", p->config->name);
            break;
        }
        run_once(p, v);
        p->stop_requested = false;
        p->stopped_by = 0;
        command = p->command != PARTITION_COMMAND_NONE ? p->command : wait_for_command(p);
        if (shutting_down)
            command = PARTITION_COMMAND_NONE;
        /* A start or restart stays visible until the new run begins (a
         * partition list shows it running from the command on). */
        if (command != PARTITION_COMMAND_START && command != PARTITION_COMMAND_RESTART)
            p->command = PARTITION_COMMAND_NONE;
        if (command == PARTITION_COMMAND_DESTROY)
            destroy(p);
        if (command == PARTITION_COMMAND_NONE || command == PARTITION_COMMAND_DESTROY)
            break;
        log_line("partition %s: starting again on command", p->config->name);
    }
    p->finished = true;
    partition_stop_all(p);
    if (p->config->privileged)
        release_waiters(p);
    __atomic_sub_fetch(&partitions_active, 1, __ATOMIC_RELEASE);
}

int64_t partition_command(struct partition *target, enum partition_command command)
{
    if (target->finished || shutting_down)
        return HC_EBUSY;
    if (command == PARTITION_COMMAND_START && target->state == PARTITION_RUNNING)
        return HC_EBUSY;
    target->command = command;
    if (target->state == PARTITION_RUNNING)
        partition_stop_all(target);
    else if (target->vcpus[0]->cpu_index != arch_cpu_index())
        arch_vcpu_kick(target->vcpus[0]);
    return 0;
}

enum device_result partition_guest_reset(struct vcpu *vcpu)
{
    struct partition *p = vcpu->partition;

    p->stop_cause = "reset by its guest";
    if (p->config->stop_on_reboot)
        partition_stop_all(p);
    else if (partition_command(p, PARTITION_COMMAND_RESTART) == 0)
        log_line("partition %s: reset by its guest: starting it again", p->config->name);
    else
        partition_stop_all(p); /* the machine is shutting down: no new run */
    vcpu->state = VCPU_STOPPED;
    return DEVICE_STOP_VCPU;
}

int64_t partition_request_stop(struct partition *target, const struct partition *by)
{
    if (target->state != PARTITION_RUNNING || target->stop_requested)
        return HC_EBUSY;
    target->stopped_by = by;
    target->stop_requested = true;
    partition_stop_all(target);
    return 0;
}

void partitions_shut_down(struct partition *by, const char *action)
{
    log_line("partition %s: %s requested: stopping every partition", by->config->name, action);
    __atomic_store_n(&shutting_down, true, __ATOMIC_RELEASE);
    for (unsigned i = 0; i < partition_count; i++) {
        if (&partitions[i] != by)
            partition_request_stop(&partitions[i], by);
    }
    partition_request_stop(by, by);
    release_waiters(by);
}

/* Further vCPUs wait until a vCPU of their partition starts them (INIT-SIPI
 * on a PC), and go back to waiting after each run. */
static void run_application_vcpu(struct partition *p, struct vcpu *v)
{
    for (;;) {
        v->state = VCPU_WAIT_SIPI;
        while (!p->finished && !arch_vcpu_start_requested(v))
            arch_wait_for_interrupt(0);
        if (p->finished)
            return;
        if (!arch_vcpu_prepare_secondary(v)) {
            log_error("partition %s: the CPU refused the VMCS of vcpu%u", p->config->name,
                      v->index);
            continue;
        }
        run_vcpu(p, v);
    }
}

/* Every vCPU exists before any runs, so an early start-up IPI finds it. */
static void create_vcpus(struct partition *p)
{
    for (unsigned cpu = 0; cpu < CONFIG_MAX_CPUS; cpu++) {
        if (!config_partition_has_cpu(p->config, cpu))
            continue;
        struct vcpu *v = &vcpus[cpu];
        *v = (struct vcpu){.cpu_index = cpu,
                           .partition = p,
                           .index = vcpu_index_of(p, cpu),
                           .pv = partition_is_pv(p)};
        arch_vcpu_create(v);
        p->vcpus[v->index] = v;
        p->vcpu_count++;
    }
}

bool partitions_create(const struct config *config, const struct boot_info *boot, uint64_t tsc_hz)
{
    tsc_ticks_per_second = tsc_hz;
    if (!partition_devices_present(config, boot))
        return false;
    for (unsigned i = 0; i < config->partition_count; i++) {
        if (!create_one(&partitions[i], i + 1, config, boot))
            return false;
        event_limit_sends(&partitions[i], tsc_hz);
        partition_limit_console(&partitions[i], tsc_hz);
        create_vcpus(&partitions[i]);
    }
    partition_count = config->partition_count;
    partitions_active = partition_count;
    return true;
}

void partitions_run_on_this_cpu(unsigned cpu)
{
    struct partition *p = partition_of_cpu(cpu);

    if (!p)
        return;
    struct vcpu *v = &vcpus[cpu];
    if (cpu == p->boot_cpu)
        run_boot_vcpu(p, v);
    else
        run_application_vcpu(p, v);
}

void partitions_wait(void)
{
    while (__atomic_load_n(&partitions_active, __ATOMIC_ACQUIRE)) {
        log_drain_serial();
        spin_relax();
    }
}

const struct partition *partition_at(unsigned index)
{
    return index < partition_count ? &partitions[index] : 0;
}

struct partition_counts partitions_count(void)
{
    struct partition_counts counts = {.total = partition_count};

    for (unsigned i = 0; i < partition_count; i++) {
        counts.running += partitions[i].state == PARTITION_RUNNING;
        counts.stopped +=
            partitions[i].state == PARTITION_STOPPED || partitions[i].state == PARTITION_DESTROYED;
        counts.crashed += partitions[i].state == PARTITION_CRASHED;
    }
    return counts;
}
