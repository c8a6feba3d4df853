#include <criterion/criterion.h>

#include "arch/x86_64/vplatform/vclock.h"
#include "arch/x86_64/vplatform/vrtc.h"

#define INDEX 0x70
#define DATA  0x71
/* 2024-02-29 23:59:58 UTC, a Thursday: a leap day about to end. */
#define LEAP_DAY_END 1709251198
#define SECOND       VCLOCK_HZ

static struct vrtc rtc;

static void setup(void)
{
    vrtc_reset(&rtc, LEAP_DAY_END, 64ull << 20);
}

TestSuite(vrtc, .init = setup);

static uint8_t reg(uint8_t index, uint64_t now)
{
    vrtc_write(&rtc, INDEX, index, now);
    return vrtc_read(&rtc, DATA, now);
}

static void set(uint8_t index, uint8_t value, uint64_t now)
{
    vrtc_write(&rtc, INDEX, index, now);
    vrtc_write(&rtc, DATA, value, now);
}

Test(vrtc, time_of_day_in_bcd)
{
    cr_assert_eq(reg(0x00, 0), 0x58);
    cr_assert_eq(reg(0x02, 0), 0x59);
    cr_assert_eq(reg(0x04, 0), 0x23);
    cr_assert_eq(reg(0x06, 0), 0x05, "Thursday, Sunday being 1");
    cr_assert_eq(reg(0x07, 0), 0x29);
    cr_assert_eq(reg(0x08, 0), 0x02);
    cr_assert_eq(reg(0x09, 0), 0x24);
    cr_assert_eq(reg(0x32, 0), 0x20);
}

Test(vrtc, time_advances_with_the_clock)
{
    cr_assert_eq(reg(0x00, SECOND), 0x59);
    cr_assert_eq(reg(0x00, 2 * SECOND), 0x00);
    cr_assert_eq(reg(0x07, 2 * SECOND), 0x01);
    cr_assert_eq(reg(0x08, 2 * SECOND), 0x03, "past the leap day into March");
    cr_assert_eq(reg(0x06, 2 * SECOND), 0x06, "Friday");
}

Test(vrtc, binary_and_12_hour_modes)
{
    set(0x0b, 0x04, 0); /* binary, 12-hour */
    cr_assert_eq(reg(0x00, 0), 58);
    cr_assert_eq(reg(0x04, 0), 0x80 | 11, "11 PM");
    set(0x0b, 0x06, 0); /* binary, 24-hour */
    cr_assert_eq(reg(0x04, 0), 23);
}

Test(vrtc, writing_the_time_sets_the_clock)
{
    set(0x04, 0x08, 0);
    set(0x09, 0x30, 0);
    cr_assert_eq(reg(0x04, 0), 0x08);
    cr_assert_eq(reg(0x09, 0), 0x30);
    cr_assert_eq(reg(0x00, 3 * SECOND), 0x01, "and it keeps running");
    cr_assert_eq(reg(0x06, 0), 0x06, "2030-02-29 does not exist: 2030-03-01, a Friday");
}

Test(vrtc, nmi_mask_bit_is_kept_and_ignored)
{
    vrtc_write(&rtc, INDEX, 0x80 | 0x04, 0);
    cr_assert_eq(vrtc_read(&rtc, INDEX, 0), 0x84);
    cr_assert_eq(vrtc_read(&rtc, DATA, 0), 0x23, "register 4 all the same");
}

Test(vrtc, status_registers)
{
    cr_assert_eq(reg(0x0a, 0) & 0x80, 0, "never an update in progress");
    cr_assert_eq(reg(0x0b, 0), 0x02, "24-hour BCD");
    cr_assert_eq(reg(0x0d, 0), 0x80, "the RAM is valid");
    set(0x0d, 0x00, 0);
    cr_assert_eq(reg(0x0d, 0), 0x80, "and read-only");
}

Test(vrtc, cmos_ram_is_kept)
{
    set(0x40, 0xa5, 0);
    cr_assert_eq(reg(0x40, 0), 0xa5);
}

Test(vrtc, a_machine_reset_keeps_the_battery_backed_state)
{
    set(0x70, 0x5a, 0);
    set(0x0b, 0x02 | 0x04 | 0x40 | 0x20 | 0x10 | 0x08, 0); /* binary, 24 h, every interrupt */
    cr_assert(vrtc_irq_take(&rtc, vrtc_irq_deadline(&rtc)));
    int64_t seconds = vrtc_seconds(&rtc, 90 * SECOND);
    cr_assert_eq(seconds, LEAP_DAY_END + 90);
    vrtc_machine_reset(&rtc, seconds);
    cr_assert_eq(reg(0x70, 0), 0x5a, "CMOS RAM kept");
    cr_assert_eq(reg(0x0b, 0), 0x02 | 0x04, "modes kept, interrupt enables cleared");
    cr_assert_eq(reg(0x0c, 0), 0, "flags cleared");
    cr_assert_eq(vrtc_irq_deadline(&rtc), VRTC_NO_DEADLINE);
    cr_assert_eq(reg(0x00, 0), 28, "the time went on: 23:59:58 + 90 s, in binary");
    cr_assert_eq(reg(0x07, 0), 1, "on March 1st");
}

Test(vrtc, memory_sizes_describe_the_layout)
{
    cr_assert_eq(reg(0x15, 0) | reg(0x16, 0) << 8, 640);
    cr_assert_eq(reg(0x17, 0) | reg(0x18, 0) << 8, 63 * 1024);
    cr_assert_eq(reg(0x30, 0) | reg(0x31, 0) << 8, 63 * 1024);
    cr_assert_eq(reg(0x34, 0) | reg(0x35, 0) << 8, (48 << 20) >> 16);
    vrtc_reset(&rtc, 0, 5ull << 30);
    cr_assert_eq(reg(0x17, 0) | reg(0x18, 0) << 8, 0xffff, "capped at 64 MiB");
    cr_assert_eq(reg(0x34, 0) | reg(0x35, 0) << 8, ((3ull << 30) - (16 << 20)) >> 16,
                 "up to the MMIO hole");
    cr_assert_eq(reg(0x5b, 0) | reg(0x5c, 0) << 8 | reg(0x5d, 0) << 16, (2ull << 30) >> 16,
                 "2 GiB above 4 GiB");
}

Test(vrtc, periodic_interrupt_until_c_is_read)
{
    cr_assert_eq(vrtc_irq_deadline(&rtc), VRTC_NO_DEADLINE);
    set(0x0b, 0x42, 1000); /* PIE, rate 6 from reset: 1024 Hz */
    uint64_t period = VCLOCK_HZ / 1024;
    uint64_t first = vrtc_irq_deadline(&rtc);
    cr_assert(first >= 1000 + period && first <= 1000 + period + 1, "%llu",
              (unsigned long long)first);
    cr_assert_not(vrtc_irq_take(&rtc, first - 1));
    cr_assert(vrtc_irq_take(&rtc, first));
    uint64_t second = vrtc_irq_deadline(&rtc);
    cr_assert_not(vrtc_irq_take(&rtc, second), "not acknowledged: no new edge");
    cr_assert_eq(reg(0x0c, second) & 0xc0, 0xc0, "IRQF and PF");
    cr_assert_eq(reg(0x0c, second), 0, "reading C cleared it");
    cr_assert(vrtc_irq_take(&rtc, vrtc_irq_deadline(&rtc)));
}

Test(vrtc, periodic_rate_follows_register_a)
{
    set(0x0a, 0x2f, 0); /* rate 15: 2 Hz */
    set(0x0b, 0x42, 0);
    cr_assert_eq(vrtc_irq_deadline(&rtc), VCLOCK_HZ / 2);
    set(0x0a, 0x20, 0); /* rate 0: off */
    cr_assert_eq(vrtc_irq_deadline(&rtc), VRTC_NO_DEADLINE);
}
