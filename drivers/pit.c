#include "drivers/pit.h"

#include "arch/x86_64/cpu.h"

#define PIT_CHANNEL2       0x42
#define PIT_COMMAND        0x43
#define PORT_B             0x61
#define PORT_B_GATE2       0x01
#define PORT_B_SPEAKER     0x02
#define PORT_B_OUT2        0x20
#define PIT_CH2_MODE0_LOHI 0xb0

uint64_t pit_measure(uint16_t ticks, uint64_t (*read_tsc)(void))
{
    /* Gate on, speaker off; mode 0 raises OUT2 when the count reaches zero. */
    cpu_outb(PORT_B, (uint8_t)((cpu_inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2));
    cpu_outb(PIT_COMMAND, PIT_CH2_MODE0_LOHI);
    cpu_outb(PIT_CHANNEL2, (uint8_t)ticks);
    cpu_outb(PIT_CHANNEL2, (uint8_t)(ticks >> 8));

    uint64_t start = read_tsc();
    for (uint32_t polls = 0; polls < 50000000u; polls++) {
        if (cpu_inb(PORT_B) & PORT_B_OUT2)
            return read_tsc() - start;
    }
    return 0;
}
