/*
 * A two-vCPU partition that uses its virtual x2APIC the way an operating
 * system does: it starts vCPU 1 with INIT-SIPI-SIPI, sends it IPIs, tries
 * to reach APIC IDs outside its partition, floods itself with self-IPIs and
 * sleeps in HLT until its APIC timer wakes it.
 */
#include "guests/lib/guest.h"
#include "lib/string.h"

#define MSR_APIC_BASE        0x1b
#define APIC_BASE_X2APIC     (1ull << 10)
#define X2APIC_ID            0x802
#define X2APIC_EOI           0x80b
#define X2APIC_SVR           0x80f
#define X2APIC_ICR           0x830
#define X2APIC_LVT_TIMER     0x832
#define X2APIC_TIMER_INITIAL 0x838
#define X2APIC_TIMER_DIVIDE  0x83e
#define X2APIC_SELF_IPI      0x83f
#define CPUID_1_ECX_X2APIC   (1u << 21)

#define ICR_INIT           0x4500ull
#define ICR_STARTUP        0x4600ull
#define ICR_FIXED          0x0ull
#define LVT_TIMER_PERIODIC (1u << 17)
#define LVT_MASKED         (1u << 16)
#define TIMER_DIVIDE_BY_1  0xb

#define AP_PAGE         0x8000
#define AP_ALIVE        ((volatile uint32_t *)0x7000) /* set by ap.asm */
#define AP_IPI_COUNT    ((volatile uint32_t *)0x7004) /* counted by ap.asm */
#define SMP_IPI_VECTOR  0x40
#define SELF_IPI_VECTOR 0x41
#define TIMER_VECTOR    0x42
#define IPIS_TO_AP      3
#define SELF_IPI_STORM  2000
#define TIMER_TICKS     5
#define TIMER_PERIOD    200000
#define OUTSIDE_APIC_ID 5 /* the partition has two vCPUs: IDs 0 and 1 */
#define WAIT_SPINS      100000000u

extern const char smp_ap_start[], smp_ap_end[]; /* ap.asm */

static volatile uint32_t self_ipis, timer_ticks;

static void send_ipi(uint32_t apic_id, uint64_t command)
{
    cpu_write_msr(X2APIC_ICR, ((uint64_t)apic_id << 32) | command);
}

static void end_of_interrupt(void)
{
    cpu_write_msr(X2APIC_EOI, 0);
}

/* Every self-IPI sends the next one until the storm is over. */
static void on_self_ipi(uint8_t vector)
{
    (void)vector;
    if (++self_ipis < SELF_IPI_STORM)
        cpu_write_msr(X2APIC_SELF_IPI, SELF_IPI_VECTOR);
    end_of_interrupt();
}

static void on_timer(uint8_t vector)
{
    (void)vector;
    timer_ticks++;
    end_of_interrupt();
}

static bool wait_until(volatile uint32_t *value, uint32_t at_least)
{
    for (uint32_t spins = 0; spins < WAIT_SPINS; spins++) {
        if (*value >= at_least)
            return true;
    }
    return false;
}

static void start_ap(void)
{
    memcpy((void *)AP_PAGE, smp_ap_start, (size_t)(smp_ap_end - smp_ap_start));
    send_ipi(1, ICR_INIT);
    send_ipi(1, ICR_STARTUP | (AP_PAGE >> 12));
    send_ipi(1, ICR_STARTUP | (AP_PAGE >> 12));
    EXPECT_TRUE(wait_until(AP_ALIVE, 1));
}

static void interrupt_the_ap(void)
{
    for (uint32_t n = 1; n <= IPIS_TO_AP; n++) {
        send_ipi(1, ICR_FIXED | SMP_IPI_VECTOR);
        EXPECT_TRUE(wait_until(AP_IPI_COUNT, n));
    }
}

/* IPIs aimed past the partition's own vCPUs vanish: no fault, no effect. */
static void reach_outside(void)
{
    EXPECT_NO_FAULT(send_ipi(OUTSIDE_APIC_ID, ICR_FIXED | SMP_IPI_VECTOR));
    EXPECT_NO_FAULT(send_ipi(OUTSIDE_APIC_ID, ICR_INIT));
}

static void storm_self_ipis(void)
{
    cpu_write_msr(X2APIC_SELF_IPI, SELF_IPI_VECTOR);
    EXPECT_TRUE(wait_until(&self_ipis, SELF_IPI_STORM));
}

/* HLT sleeps until the APIC timer's next interrupt. */
static void sleep_on_timer(void)
{
    cpu_write_msr(X2APIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
    cpu_write_msr(X2APIC_LVT_TIMER, LVT_TIMER_PERIODIC | TIMER_VECTOR);
    cpu_write_msr(X2APIC_TIMER_INITIAL, TIMER_PERIOD);
    while (timer_ticks < TIMER_TICKS)
        cpu_halt();
    cpu_write_msr(X2APIC_LVT_TIMER, LVT_MASKED | TIMER_VECTOR);
    EXPECT_TRUE(timer_ticks >= TIMER_TICKS);
}

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    exceptions_init();
    interrupt_set_handler(SELF_IPI_VECTOR, on_self_ipi);
    interrupt_set_handler(TIMER_VECTOR, on_timer);
    EXPECT_TRUE(cpu_cpuid(1, 0).ecx & CPUID_1_ECX_X2APIC);
    cpu_write_msr(MSR_APIC_BASE, cpu_read_msr(MSR_APIC_BASE) | APIC_BASE_X2APIC);
    cpu_write_msr(X2APIC_SVR, 0x1ff);
    EXPECT_EQ(cpu_read_msr(X2APIC_ID), 0);
    cpu_enable_interrupts();
    start_ap();
    interrupt_the_ap();
    reach_outside();
    storm_self_ipis();
    sleep_on_timer();
    printf("smp: done\n");
    return guest_exit_status();
}
