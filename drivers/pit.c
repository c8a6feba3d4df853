#include "drivers/pit.h"

#include "arch/x86_64/cpu.h"

#define PIT_CHANNEL2       0x42
#define PIT_COMMAND        0x43
#define PORT_B             0x61
#define PORT_B_GATE2       0x01
#define PORT_B_SPEAKER     0x02
#define PIT_CH2_MODE2_LOHI 0xb4
#define PIT_CH2_LATCH      0x80

void pit_counter_start(void)
{
    cpu_outb(PORT_B, (uint8_t)((cpu_inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2));
    cpu_outb(PIT_COMMAND, PIT_CH2_MODE2_LOHI);
    cpu_outb(PIT_CHANNEL2, 0); /* 0 is 65536: the longest period */
    cpu_outb(PIT_CHANNEL2, 0);
}

/* The latch freezes both count bytes, so the two reads belong together. */
uint64_t pit_counter_read(void)
{
    cpu_outb(PIT_COMMAND, PIT_CH2_LATCH);
    uint16_t count = cpu_inb(PIT_CHANNEL2);
    count |= (uint16_t)(cpu_inb(PIT_CHANNEL2) << 8);
    return (uint16_t)(0u - count);
}
