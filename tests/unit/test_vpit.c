#include <criterion/criterion.h>

#include "arch/x86_64/vplatform/vclock.h"
#include "arch/x86_64/vplatform/vpit.h"

#define CH0     0x40
#define CH2     0x42
#define CONTROL 0x43
#define PORT_B  0x61

static struct vpit pit;

static void setup(void)
{
    vpit_reset(&pit);
}

TestSuite(vpit, .init = setup);

/* Control word: channel, LSB-then-MSB access, mode; then the count. */
static void program(unsigned channel, unsigned mode, uint16_t count, uint64_t now)
{
    vpit_write(&pit, CONTROL, (uint8_t)(channel << 6 | 3 << 4 | mode << 1), now);
    vpit_write(&pit, (uint16_t)(CH0 + channel), (uint8_t)count, now);
    vpit_write(&pit, (uint16_t)(CH0 + channel), (uint8_t)(count >> 8), now);
}

static uint16_t read_count(uint16_t port, uint64_t now)
{
    uint8_t low = vpit_read(&pit, port, now);

    return (uint16_t)(low | vpit_read(&pit, port, now) << 8);
}

Test(vpit, mode0_counts_down_and_raises_out_at_terminal_count)
{
    program(0, 0, 1000, 100);
    cr_assert_eq(read_count(CH0, 100), 1000);
    cr_assert_eq(read_count(CH0, 350), 750);
    cr_assert_eq(vpit_irq_deadline(&pit), 1100);
    cr_assert_not(vpit_irq_take(&pit, 1099));
    cr_assert(vpit_irq_take(&pit, 1100));
    cr_assert_eq(vpit_irq_deadline(&pit), VPIT_NO_DEADLINE, "mode 0 interrupts once");
    cr_assert_eq(read_count(CH0, 1101), 0xffff, "the count wraps and goes on");
}

Test(vpit, mode2_reloads_every_period)
{
    program(0, 2, 100, 0);
    cr_assert_eq(read_count(CH0, 0), 100);
    cr_assert_eq(read_count(CH0, 99), 1);
    cr_assert_eq(read_count(CH0, 100), 100, "reloaded");
    cr_assert_eq(read_count(CH0, 250), 50);
    cr_assert_eq(vpit_irq_deadline(&pit), 100);
    cr_assert(vpit_irq_take(&pit, 100));
    cr_assert_eq(vpit_irq_deadline(&pit), 200);
    cr_assert(vpit_irq_take(&pit, 530), "late: one interrupt for the missed periods");
    cr_assert_eq(vpit_irq_deadline(&pit), 600);
}

Test(vpit, mode3_is_a_square_wave)
{
    program(2, 3, 100, 0);
    vpit_write_port_b(&pit, 0x01, 0);
    cr_assert(vpit_read_port_b(&pit, 10) & 0x20, "high in the first half");
    cr_assert_not(vpit_read_port_b(&pit, 60) & 0x20, "low in the second");
    cr_assert(vpit_read_port_b(&pit, 110) & 0x20);
    cr_assert_eq(read_count(CH2, 10), 80, "counts down by two");
}

Test(vpit, a_zero_count_is_65536)
{
    program(0, 2, 0, 0);
    cr_assert_eq(vpit_irq_deadline(&pit), 0x10000);
    cr_assert_eq(read_count(CH0, 1), 0xffff);
}

Test(vpit, latch_holds_the_count_until_both_bytes_are_read)
{
    program(0, 2, 1000, 0);
    vpit_write(&pit, CONTROL, 0x00, 300); /* latch channel 0 */
    cr_assert_eq(read_count(CH0, 900), 700);
    cr_assert_eq(read_count(CH0, 900), 100, "live again after the latch is read");
}

Test(vpit, lsb_only_and_msb_only_access)
{
    vpit_write(&pit, CONTROL, 0x14, 0); /* channel 0, LSB only, mode 2 */
    vpit_write(&pit, CH0, 200, 0);
    cr_assert_eq(vpit_read(&pit, CH0, 50), 150);
    vpit_write(&pit, CONTROL, 0x24, 0); /* MSB only */
    vpit_write(&pit, CH0, 0x02, 0);
    cr_assert_eq(vpit_read(&pit, CH0, 0x100), 0x01, "0x200 - 0x100, its MSB");
}

Test(vpit, read_back_latches_status_and_count)
{
    program(0, 2, 1000, 0);
    vpit_write(&pit, CONTROL, 0xc2, 10); /* read-back, count and status, channel 0 */
    uint8_t status = vpit_read(&pit, CH0, 20);
    cr_assert_eq(status & 0x3f, 3 << 4 | 2 << 1, "access and mode: 0x%x", status);
    cr_assert(status & 0x80, "OUT is high in mode 2");
    cr_assert_eq(read_count(CH0, 500), 990);
}

Test(vpit, null_count_until_the_count_is_written)
{
    vpit_write(&pit, CONTROL, 0x30, 0);
    vpit_write(&pit, CONTROL, 0xe2, 0); /* status only */
    cr_assert(vpit_read(&pit, CH0, 0) & 0x40);
    cr_assert_not(vpit_read(&pit, CH0, 0) & 0x80, "mode 0 OUT starts low");
}

/* What Linux's PIT calibration does: gate on, mode 0 on channel 2, then
 * poll OUT2 in port 0x61 and the count's MSB. */
Test(vpit, channel2_out_through_port_b_as_tsc_calibration_uses_it)
{
    vpit_write_port_b(&pit, 0x01, 0);
    program(2, 0, 0xffff, 1000);
    cr_assert_eq(vpit_read_port_b(&pit, 1000) & 0x21, 0x01, "gate on, OUT low");
    cr_assert_eq(read_count(CH2, 1000 + 0x100) >> 8, 0xfe);
    cr_assert_not(vpit_read_port_b(&pit, 1000 + 0xfffe) & 0x20);
    cr_assert(vpit_read_port_b(&pit, 1000 + 0xffff) & 0x20, "OUT rises at terminal count");
}

Test(vpit, channel2_gate_low_holds_the_count)
{
    program(2, 0, 1000, 0);
    cr_assert_eq(read_count(CH2, 500), 1000, "the gate is low after reset");
    vpit_write_port_b(&pit, 0x01, 500);
    cr_assert_eq(read_count(CH2, 600), 900);
    vpit_write_port_b(&pit, 0x00, 600);
    cr_assert_eq(read_count(CH2, 5000), 900, "held while the gate is low");
    vpit_write_port_b(&pit, 0x01, 5000);
    cr_assert_eq(read_count(CH2, 5100), 800, "and resumed");
}

Test(vpit, port_b_keeps_the_speaker_bit_and_toggles_refresh)
{
    vpit_write_port_b(&pit, 0x03, 0);
    cr_assert_eq(vpit_read_port_b(&pit, 0) & 0x03, 0x03);
    cr_assert_neq(vpit_read_port_b(&pit, 0) & 0x10, vpit_read_port_b(&pit, 18) & 0x10);
}

Test(vpit, unprogrammed_channel0_raises_nothing)
{
    cr_assert_eq(vpit_irq_deadline(&pit), VPIT_NO_DEADLINE);
    cr_assert_not(vpit_irq_take(&pit, 1u << 30));
}

Test(vpit, clock_conversion_round_trips)
{
    uint64_t hz = 2500000000ull, origin = 12345;

    cr_assert_eq(vclock_ticks(origin + hz, origin, hz), VCLOCK_HZ);
    for (uint64_t ticks = 0; ticks < 5000; ticks += 7) {
        uint64_t tsc = vclock_tsc(ticks, origin, hz);
        cr_assert_geq(vclock_ticks(tsc, origin, hz), ticks);
        cr_assert_lt(vclock_ticks(tsc - 1, origin, hz), ticks + (ticks == 0));
    }
    cr_assert_eq(vclock_ticks(origin - 1, origin, hz), 0);
    uint64_t year = 365ull * 86400 * hz;
    cr_assert_eq(vclock_ticks(origin + year, origin, hz), 365ull * 86400 * VCLOCK_HZ);
}
