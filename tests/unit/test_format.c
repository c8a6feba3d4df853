#include <criterion/criterion.h>
#include <string.h>

#include "lib/format.h"

static char buf[64];

Test(format, integers_and_widths)
{
    format(buf, sizeof(buf), "%d %u %x %05d", -42, 42u, 0xbeefu, 7);
    cr_assert_str_eq(buf, "-42 42 beef 00007");
    format(buf, sizeof(buf), "%016llx|%4s|%c", 0x1234ull, "ab", 'z');
    cr_assert_str_eq(buf, "0000000000001234|  ab|z");
    format(buf, sizeof(buf), "%lld %zu", -9223372036854775807ll - 1, (size_t)18);
    cr_assert_str_eq(buf, "-9223372036854775808 18");
}

Test(format, truncates_and_terminates)
{
    char small[8];
    size_t n = format(small, sizeof(small), "%s", "0123456789");
    cr_assert_eq(n, 7);
    cr_assert_str_eq(small, "0123456");
}

Test(format, null_string_and_pointer)
{
    const char *volatile nothing = NULL;
    format(buf, sizeof(buf), "%s %p", nothing, (void *)0x10);
    cr_assert_str_eq(buf, "(null) 0x0000000000000010");
}
