#include "drivers/pic8259.h"

#include "arch/x86_64/cpu.h"

#define PIC_MASTER_COMMAND  0x20
#define PIC_MASTER_DATA     0x21
#define PIC_SLAVE_COMMAND   0xa0
#define PIC_SLAVE_DATA      0xa1
#define ICW1_INIT_WITH_ICW4 0x11
#define ICW4_8086           0x01
#define CASCADE_IRQ         2
#define NON_SPECIFIC_EOI    0x20

void pic8259_mask_all(void)
{
    pic8259_unmask(0);
}

void pic8259_unmask(uint16_t unmasked)
{
    cpu_outb(PIC_MASTER_DATA, (uint8_t)~unmasked);
    cpu_outb(PIC_SLAVE_DATA, (uint8_t) ~(unmasked >> 8));
}

void pic8259_init(uint8_t vector_base, uint16_t unmasked)
{
    cpu_outb(PIC_MASTER_COMMAND, ICW1_INIT_WITH_ICW4);
    cpu_outb(PIC_MASTER_DATA, vector_base);
    cpu_outb(PIC_MASTER_DATA, 1u << CASCADE_IRQ); /* a slave sits on IRQ2 */
    cpu_outb(PIC_MASTER_DATA, ICW4_8086);
    cpu_outb(PIC_SLAVE_COMMAND, ICW1_INIT_WITH_ICW4);
    cpu_outb(PIC_SLAVE_DATA, (uint8_t)(vector_base + 8));
    cpu_outb(PIC_SLAVE_DATA, CASCADE_IRQ); /* its cascade identity */
    cpu_outb(PIC_SLAVE_DATA, ICW4_8086);
    /* A slave line needs the cascade open too. */
    pic8259_unmask(unmasked & 0xff00 ? unmasked | (1u << CASCADE_IRQ) : unmasked);
}

void pic8259_end_of_interrupt(unsigned irq)
{
    if (irq >= 8)
        cpu_outb(PIC_SLAVE_COMMAND, NON_SPECIFIC_EOI);
    cpu_outb(PIC_MASTER_COMMAND, NON_SPECIFIC_EOI);
}
