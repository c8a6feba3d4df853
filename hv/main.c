/*
 * The boot sequence of the core: consoles, memory, the hypervisor's own
 * address space, every CPU into VMX root mode, a first tiny guest on each,
 * one summary line, power-off.
 */
#include "drivers/acpi.h"
#include "drivers/fbcon.h"
#include "drivers/pic8259.h"
#include "hv/arch.h"
#include "hv/boot_info.h"
#include "lib/config.h"
#include "hv/crash_test.h"
#include "lib/format.h"
#include "hv/ioreq_poll.h"
#include "hv/log.h"
#include "lib/calendar.h"
#include "hv/memory.h"
#include "hv/partition.h"
#include "hv/power.h"
#include "hv/probe.h"
#include "lib/string.h"

#define DEFAULT_SERIAL_PORT 0x3f8
#define CPU_FINISH_SECONDS  30
/* 16 bytes at 115200 baud take 1.4 ms: an idle CPU looks every 1 ms. */
#define SERIAL_FIFO_TIME_DIV 1000

/* The 8x16 console font, linked in from build/font.bin. */
extern const uint8_t _binary_font_bin_start[];

struct cpu_outcome {
    volatile int finished;
    bool online;
    enum vmx_status vmx;
    struct vmx_capabilities caps;
    bool guest_ran, guest_ok;
};

static struct boot_info boot;
static struct config config;
static struct fbcon framebuffer_console;
static struct acpi_info acpi;
static uint64_t tsc_hz;
static uint64_t core_entry_tsc;
static struct cpu_outcome outcomes[BOOT_MAX_CPUS];
/* Set by the boot CPU once the partitions are built (or will not be). */
static volatile int partitions_released;

void core_main(uint64_t boot_info_phys);

/* The stub's copy is identity-mapped only until our own tables take over. */
static bool take_boot_info(uint64_t phys)
{
    const struct boot_info *from_stub = (const struct boot_info *)(uintptr_t)phys;

    if (from_stub->magic != BOOT_INFO_MAGIC || from_stub->version != BOOT_INFO_VERSION ||
        from_stub->size != sizeof(boot))
        return false;
    memcpy(&boot, from_stub, sizeof(boot));
    boot.cpu_count = boot.cpu_count > BOOT_MAX_CPUS ? BOOT_MAX_CPUS : boot.cpu_count;
    boot.module_count = boot.module_count > BOOT_MAX_MODULES ? BOOT_MAX_MODULES : boot.module_count;
    if (boot.memory_region_count > BOOT_MAX_MEMORY_REGIONS)
        boot.memory_region_count = BOOT_MAX_MEMORY_REGIONS;
    return true;
}

/* The stub checked the config already; a failure here means the copy in
 * memory is not what the stub read, so say so and carry on with defaults. */
static void read_config(void)
{
    struct config_error error;
    char message[CONFIG_MESSAGE_LEN + CONFIG_NAME_LEN + 16];

    config_set_defaults(&config);
    if (config_parse(phys_to_virt(boot.config_phys), boot.config_size, boot.config_name, &config,
                     &error) == 0)
        return;
    config_format_error(&error, message, sizeof(message));
    config_set_defaults(&config);
    log_use_serial(DEFAULT_SERIAL_PORT);
    log_error("%s", message);
}

static void attach_framebuffer(void)
{
    const struct boot_framebuffer *fb = &boot.framebuffer;

    if (!config.hypervisor.framebuffer || fb->format == BOOT_FB_NONE || !fb->phys)
        return;
    fbcon_init(&framebuffer_console, phys_to_virt(fb->phys), fb->width, fb->height,
               fb->pixels_per_row, fb->format == BOOT_FB_RGBX, _binary_font_bin_start);
    log_use_framebuffer(&framebuffer_console);
}

static const struct boot_module *find_module(const char *name)
{
    for (unsigned i = 0; i < boot.module_count; i++) {
        if (strncmp(boot.modules[i].name, name, BOOT_NAME_LEN) == 0)
            return &boot.modules[i];
    }
    return 0;
}

static const char *yes_no(bool value)
{
    return value ? "yes" : "no";
}

static void run_first_guest(unsigned index, struct cpu_outcome *outcome)
{
    const struct boot_module *probe = find_module(config.hypervisor.probe_image);
    struct probe_report report;

    if (!config.hypervisor.probe_image[0] || !probe)
        return;
    outcome->guest_ran = true;
    outcome->guest_ok = probe_run(index, phys_to_virt(probe->phys), probe->size, &report);
    if (index == 0)
        log_line("boot: %llu TSC ticks from core entry to the first VM entry",
                 (unsigned long long)(report.first_entry_tsc - core_entry_tsc));
}

/* What every CPU does once it is up: VMXON, then the first guest. */
static void cpu_work(void *arg)
{
    unsigned index = (unsigned)(uintptr_t)arg;
    struct cpu_outcome *outcome = &outcomes[index];

    outcome->online = true;
    outcome->vmx = arch_vmx_enable(&outcome->caps);
    log_line("cpu%u apic=%u vmx=%s ept=%s vpid=%s ug=%s%s", index, boot.cpus[index].apic_id,
             yes_no(outcome->caps.vmx), yes_no(outcome->caps.ept), yes_no(outcome->caps.vpid),
             yes_no(outcome->caps.unrestricted_guest),
             outcome->caps.feature_control_set_by_us ? " (feature control locked on by bulkhead)"
                                                     : "");
    if (outcome->vmx == VMX_OK)
        run_first_guest(index, outcome);
    __atomic_store_n(&outcome->finished, 1, __ATOMIC_RELEASE);
}

/* A CPU with nothing to run feeds the serial what the log owes it, looking
 * each time the FIFO has had time to empty. */
static void idle_feeding_serial(void)
{
    for (;;) {
        log_drain_serial();
        arch_wait_for_interrupt(arch_read_tsc() + tsc_hz / SERIAL_FIFO_TIME_DIV);
    }
}

static void secondary_cpu_main(void *arg)
{
    cpu_work(arg);
    while (!__atomic_load_n(&partitions_released, __ATOMIC_ACQUIRE))
        spin_relax();
    partitions_run_on_this_cpu((unsigned)(uintptr_t)arg);
    crash_test_nmi_from_idle_cpu(&config, (unsigned)(uintptr_t)arg, boot.cpu_count);
    idle_feeding_serial();
}

/* The boot CPU is boot.cpus[0]'s slot 0 after sort_boot_cpu_first(). */
static void sort_boot_cpu_first(void)
{
    for (unsigned i = 1; i < boot.cpu_count; i++) {
        if (boot.cpus[i].flags & BOOT_CPU_BSP) {
            struct boot_cpu bsp = boot.cpus[i];
            boot.cpus[i] = boot.cpus[0];
            boot.cpus[0] = bsp;
        }
    }
}

static void start_secondary_cpus(void)
{
    arch_smp_init(boot.trampoline_phys, tsc_hz);
    unsigned delayed = config.hypervisor.delay_ap;
    if (delayed && delayed < boot.cpu_count) {
        log_line("delay_ap: cpu%u holds back until its start is given up", delayed);
        arch_smp_hold_cpu(boot.cpus[delayed].apic_id);
    }
    /* A CPU that came up is counted from here on, so the boot CPU waits for
     * its report even when it is slow to start its work. */
    for (unsigned i = 1; i < boot.cpu_count; i++) {
        outcomes[i].online = arch_start_cpu(i, boot.cpus[i].apic_id, secondary_cpu_main);
        if (!outcomes[i].online)
            log_error("cpu%u (apic %u) did not start", i, boot.cpus[i].apic_id);
    }
}

static void wait_for_cpus(void)
{
    uint64_t deadline = arch_read_tsc() + CPU_FINISH_SECONDS * tsc_hz;

    for (unsigned i = 0; i < boot.cpu_count; i++) {
        while (outcomes[i].online && !__atomic_load_n(&outcomes[i].finished, __ATOMIC_ACQUIRE)) {
            if (arch_read_tsc() > deadline) {
                log_error("cpu%u did not finish in %u s", i, CPU_FINISH_SECONDS);
                break;
            }
        }
    }
}

/* One sentence per distinct reason VT-x could not be used. */
static void report_vmx_problems(void)
{
    bool said[VMX_NO_MEMORY + 1] = {false};

    for (unsigned i = 0; i < boot.cpu_count; i++) {
        enum vmx_status status = outcomes[i].vmx;
        if (outcomes[i].online && status != VMX_OK && !said[status]) {
            log_error("%s", arch_vmx_status_text(status));
            said[status] = true;
        }
    }
}

/* " status=NAME:N,NAME:-" in partition-id order, from what each recorded:
 * '-' when its last run ended without an exit status (crashed, stopped by
 * the privileged partition or its time limit, destroyed). Empty when there
 * are no partitions, so that self-test-only summaries stay as they were. */
static void format_exit_statuses(char *to, size_t size)
{
    const struct partition *p;
    size_t len = 0;

    to[0] = '\0';
    for (unsigned i = 0; (p = partition_at(i)) != 0; i++) {
        len += format(to + len, size - len, "%s%s:", i ? "," : " status=", p->config->name);
        if (p->state != PARTITION_DESTROYED && p->has_exit_status)
            len += format(to + len, size - len, "%u", p->exit_status);
        else
            len += format(to + len, size - len, "-");
    }
}

static void report_summary(void)
{
    char statuses[CONFIG_MAX_PARTITIONS * (CONFIG_NAME_LEN + 16)];

    unsigned online = 0, vmx = 0, guests = 0, ok = 0;

    for (unsigned i = 0; i < boot.cpu_count; i++) {
        const struct cpu_outcome *o = &outcomes[i];
        online += o->online;
        vmx += o->online && o->vmx == VMX_OK;
        guests += o->guest_ran;
        ok += o->guest_ran && o->guest_ok;
    }
    struct partition_counts p = partitions_count();
    format_exit_statuses(statuses, sizeof(statuses));
    log_line("summary cpus=%u vmx=%u guests=%u ok=%u failed=%u partitions=%u running=%u "
             "stopped=%u crashed=%u%s",
             online, vmx, guests, ok, guests - ok, p.total, p.running, p.stopped, p.crashed,
             statuses);
}

/* The first CPU the partition needs that did not start; -1 when none. */
static int missing_cpu_of(const struct config_partition *partition)
{
    for (unsigned cpu = 0; cpu < boot.cpu_count; cpu++) {
        if ((partition->cpus[cpu / 64] >> (cpu % 64) & 1) && !outcomes[cpu].online)
            return (int)cpu;
    }
    return -1;
}

/* A CPU that did not start takes only the partitions that need it along. */
static void refuse_partitions_missing_cpus(void)
{
    unsigned kept = 0;

    for (unsigned i = 0; i < config.partition_count; i++) {
        int missing = missing_cpu_of(&config.partitions[i]);
        if (missing >= 0)
            log_error("partition %s is refused: it needs cpu%d, which did not start",
                      config.partitions[i].name, missing);
        else
            config.partitions[kept++] = config.partitions[i];
    }
    config.partition_count = kept;
}

/* Partitions start only on a machine where every CPU that came up runs
 * VT-x and the config fits; otherwise none does, and the log says why. */
static bool machine_takes_partitions(void)
{
    struct config_error error;
    char message[CONFIG_MESSAGE_LEN + CONFIG_NAME_LEN + 16];

    for (unsigned i = 0; i < boot.cpu_count; i++) {
        if (outcomes[i].online && outcomes[i].vmx != VMX_OK) {
            log_error("no partition starts: cpu%u cannot run guests", i);
            return false;
        }
    }
    refuse_partitions_missing_cpus();
    if (config_check_machine(&config, boot.cpu_count, frames.free_pages * FRAME_SIZE, &error)) {
        config_format_error(&error, message, sizeof(message));
        log_error("%s", message);
        return false;
    }
    return config.partition_count > 0;
}

/* The partitions' RTCs start from the firmware's clock. */
static void take_time_of_day(void)
{
    struct calendar c = calendar_from_seconds(boot.time_of_day);

    partition_set_time_of_day(boot.time_of_day, core_entry_tsc);
    if (!boot.time_of_day)
        log_line("clock: the firmware has no time of day; the partitions' clocks start at a "
                 "fixed date");
    else
        log_line("clock: the firmware says %04lld-%02u-%02u %02u:%02u:%02u UTC", (long long)c.year,
                 c.month, c.day, c.hour, c.minute, c.second);
}

static void start_partitions(void)
{
    take_time_of_day();
    ioreq_set_poll(tsc_hz * config.hypervisor.ioreq_poll_us / 1000000);
    crash_test_arm(config.hypervisor.crash_test);
    if (config.partition_count && machine_takes_partitions() &&
        !partitions_create(&config, &boot, tsc_hz))
        log_error("no partition starts");
    log_serial_asynchronous(true);
    __atomic_store_n(&partitions_released, 1, __ATOMIC_RELEASE);
    partitions_run_on_this_cpu(0);
    partitions_wait();
    log_serial_asynchronous(false);
}

/* The privileged partition's HC_MACHINE_CONTROL overrides on_finish. */
static void finish_as_requested(void)
{
    if (power_requested() == POWER_REBOOT)
        power_reset(&acpi, tsc_hz);
    if (power_requested() == POWER_OFF)
        power_off(&acpi, tsc_hz);
}

static void boot_cpu_main(void *arg)
{
    (void)arg;
    pic8259_mask_all();
    acpi_parse(boot.acpi_rsdp, phys_to_virt, &acpi);
    if (acpi.present)
        log_line("acpi: %u CPUs and %u IOAPICs in the MADT, power-off %s", acpi.madt_cpus,
                 acpi.madt_ioapics, acpi.s5_found ? "via FADT" : "not described");
    arch_platform_init(acpi.ioapic_address, acpi.present ? acpi.isa_overrides : 0);
    tsc_hz = arch_calibrate_tsc(&acpi);
    if (config.hypervisor.timestamps)
        log_use_timestamps(core_entry_tsc, tsc_hz);
    if (config.hypervisor.on_fault == CONFIG_FAULT_REBOOT)
        power_reboot_on_fault(&acpi, tsc_hz);
    start_secondary_cpus();
    cpu_work((void *)0);
    wait_for_cpus();
    arch_smp_report_late();
    report_vmx_problems();
    start_partitions();
    report_summary();
    crash_test_run(config.hypervisor.crash_test);
    finish_as_requested();
    if (config.hypervisor.on_finish == CONFIG_FINISH_HALT) {
        log_line("halted (on_finish = halt)");
        log_ended_cleanly();
        arch_halt_forever();
    }
    power_off(&acpi, tsc_hz);
}

void core_main(uint64_t boot_info_phys)
{
    core_entry_tsc = arch_read_tsc();
    arch_boot_cpu_early_init();
    if (!take_boot_info(boot_info_phys)) {
        log_use_serial(DEFAULT_SERIAL_PORT);
        log_error("the boot loader handed over no valid boot_info (version %u expected)",
                  BOOT_INFO_VERSION);
        arch_halt_forever();
    }
    read_config();
    log_use_serial(config.hypervisor.serial_port);
    attach_framebuffer();
    log_line("core started: %u CPUs, %u modules, boot_info v%u", boot.cpu_count, boot.module_count,
             boot.version);
    memory_init(&boot);
    arch_paging_init(&boot);
    /* The identity map is gone: nothing may be logged before this. */
    if (framebuffer_console.pixels)
        framebuffer_console.pixels = phys_to_virt(boot.framebuffer.phys);
    arch_paging_report();
    if (boot.crash_page_phys)
        log_keep_in_crash_page(phys_to_virt(boot.crash_page_phys));
    sort_boot_cpu_first();
    arch_cpu_init(0, boot.cpus[0].apic_id, boot_cpu_main, 0);
}
