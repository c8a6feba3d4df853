/* Walking a guest's long-mode page tables (arch/x86_64/guest_paging.c) in a fake
 * guest RAM. */
#include <criterion/criterion.h>
#include <string.h>

#include "arch/x86_64/guest_paging.h"

#define RAM_SIZE (64u * 4096)
#define PML4     0x1000
#define PDPT     0x2000
#define PD       0x3000
#define PT       0x4000
#define P        0x1ull
#define RW       0x2ull
#define PS       0x80ull

static uint8_t ram[RAM_SIZE];
static struct guest_memory memory = {ram, RAM_SIZE};

static void set_entry(uint64_t table, unsigned index, uint64_t value)
{
    memcpy(ram + table + index * 8, &value, sizeof(value));
}

/* Linear 0x40201000 -> PML4[0] -> PDPT[1] -> PD[1] -> PT[1] -> 0x9000. */
static void setup(void)
{
    memset(ram, 0, sizeof(ram));
    set_entry(PML4, 0, PDPT | P | RW);
    set_entry(PDPT, 1, PD | P | RW);
    set_entry(PD, 1, PT | P | RW);
    set_entry(PT, 1, 0x9000 | P | RW);
    set_entry(PT, 2, 0xa000 | P | RW);
}

TestSuite(guest_paging, .init = setup);

Test(guest_paging, four_levels_to_a_4k_page)
{
    uint64_t physical = 0;

    cr_assert(guest_page_walk(&memory, PML4, 0x40201234, &physical));
    cr_assert_eq(physical, 0x9234);
}

Test(guest_paging, huge_pages_end_the_walk_early)
{
    uint64_t physical = 0;

    set_entry(PD, 2, 0x200000 | P | PS);
    cr_assert(guest_page_walk(&memory, PML4, 0x40400000 + 0x1234, &physical));
    cr_assert_eq(physical, 0x201234);
    set_entry(PDPT, 2, 0x40000000 | P | PS);
    cr_assert(guest_page_walk(&memory, PML4, 0x80000000 + 0x12345, &physical));
    cr_assert_eq(physical, 0x40012345);
}

Test(guest_paging, absent_levels_and_tables_outside_ram_fail)
{
    uint64_t physical;

    cr_assert_not(guest_page_walk(&memory, PML4, 0x40203000, &physical), "PT[3] absent");
    cr_assert_not(guest_page_walk(&memory, PML4, 1ull << 39, &physical), "PML4[1] absent");
    set_entry(PD, 3, 0x7ffff000ull | P);
    cr_assert_not(guest_page_walk(&memory, PML4, 0x40600000, &physical), "table outside RAM");
    cr_assert_not(guest_page_walk(&memory, 0xfffff000, 0x40201000, &physical), "CR3 outside RAM");
}

Test(guest_paging, copies_across_a_page_boundary)
{
    uint8_t bytes[4];

    ram[0x9ffe] = 1;
    ram[0x9fff] = 2;
    ram[0xa000] = 3;
    ram[0xa001] = 4;
    cr_assert(guest_copy_linear(&memory, true, PML4, 0x40201ffe, bytes, 4));
    cr_assert_eq(bytes[0] + bytes[1] * 10 + bytes[2] * 100 + bytes[3] * 1000, 4321);
    cr_assert_not(guest_copy_linear(&memory, true, PML4, 0x40202ffe, bytes, 4), "next absent");
}

Test(guest_paging, unpaged_linear_is_physical)
{
    uint8_t byte = 0;

    ram[0x5000] = 0x77;
    cr_assert(guest_copy_linear(&memory, false, 0, 0x5000, &byte, 1));
    cr_assert_eq(byte, 0x77);
    cr_assert_not(guest_copy_linear(&memory, false, 0, RAM_SIZE - 1, &byte, 2));
}
