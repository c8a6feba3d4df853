#include "arch/x86_64/descriptors.h"

#include "arch/x86_64/cpu.h"

#define GDT_CODE64         0x00af9a000000ffffull /* present, ring 0, execute/read, L=1 */
#define GDT_DATA           0x00cf92000000ffffull /* present, ring 0, read/write */
#define TSS_TYPE_AVAILABLE 0x89ull

static void gdt_set_tss(uint64_t *gdt, const struct tss64 *tss)
{
    uint64_t base = (uint64_t)(uintptr_t)tss;
    uint64_t limit = sizeof(*tss) - 1;

    gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (TSS_TYPE_AVAILABLE << 40) |
             (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[4] = base >> 32;
}

void descriptors_load(struct cpu_descriptors *d, const uint64_t ist_tops[4])
{
    d->gdt[0] = 0;
    d->gdt[1] = GDT_CODE64;
    d->gdt[2] = GDT_DATA;
    for (unsigned i = 1; i < 4; i++)
        d->tss.ist[i - 1] = ist_tops[i];
    d->tss.io_map_base = sizeof(d->tss); /* no I/O permission bitmap */
    gdt_set_tss(d->gdt, &d->tss);

    struct cpu_table_pointer gdtr = {sizeof(d->gdt) - 1, (uint64_t)(uintptr_t)d->gdt};
    cpu_load_gdt(&gdtr);
    cpu_reload_segments(SELECTOR_CODE, SELECTOR_DATA);
    cpu_load_tr(SELECTOR_TSS);
}
