#include "drivers/pic8259.h"

#include "arch/x86_64/cpu.h"

#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_DATA  0xa1

void pic8259_mask_all(void)
{
    cpu_outb(PIC_MASTER_DATA, 0xff);
    cpu_outb(PIC_SLAVE_DATA, 0xff);
}
