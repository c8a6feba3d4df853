/* dom0's scan code set 1 decoder (guests/dom0/scancode.c), fed what a
 * PS/2 keyboard sends through the controller's translation. */
#include <criterion/criterion.h>
#include <string.h>

#include "guests/dom0/scancode.h"

static struct scancode_state state;
static char typed[64];

/* Feeds the bytes and collects what they typed. */
static const char *feed(const uint8_t *bytes, size_t count)
{
    size_t length = 0;

    for (size_t i = 0; i < count; i++) {
        char c = scancode_feed(&state, bytes[i]);
        if (c && length + 1 < sizeof(typed))
            typed[length++] = c;
    }
    typed[length] = '\0';
    return typed;
}

#define FEED(...) feed((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

static void reset(void)
{
    memset(&state, 0, sizeof(state));
}

TestSuite(scancode, .init = reset);

/* Each key's make code types, its break code (| 0x80) does not. */
Test(scancode, a_command_and_enter)
{
    cr_expect_str_eq(FEED(0x23, 0xa3, 0x12, 0x92, 0x26, 0xa6, 0x19, 0x99, 0x1c, 0x9c), "help\r");
}

Test(scancode, shift_held_and_released)
{
    cr_expect_str_eq(FEED(0x2a, 0x23, 0xa3, 0x02, 0x82, 0xaa, 0x23, 0xa3), "H!h");
    cr_expect_str_eq(FEED(0x36, 0x35, 0xb5, 0x28, 0xa8, 0xb6, 0x35), "?\"/");
}

Test(scancode, caps_lock_shifts_letters_only)
{
    cr_expect_str_eq(FEED(0x3a, 0xba, 0x1e, 0x02, 0x3a, 0xba, 0x1e), "A1a");
}

/* Ctrl-] detaches the operator's console from a partition. */
Test(scancode, control_characters)
{
    cr_expect_str_eq(FEED(0x1d, 0x1b, 0x9b, 0x2e, 0xae, 0x9d, 0x2e), "\x1d\x03"
                                                                     "c");
}

Test(scancode, backspace_tab_escape_space)
{
    cr_expect_str_eq(FEED(0x0e, 0x0f, 0x01, 0x39), "\b\t\x1b ");
}

/* The keypad's Enter and '/' type; the right Ctrl holds Ctrl; arrows and
 * the shifts faked around them type nothing. */
Test(scancode, extended_keys)
{
    cr_expect_str_eq(FEED(0xe0, 0x1c, 0xe0, 0x9c, 0xe0, 0x35, 0xe0, 0xb5), "\r/");
    cr_expect_str_eq(FEED(0xe0, 0x2a, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0xaa, 0x1e), "a");
    cr_expect_str_eq(FEED(0xe0, 0x1d, 0x26, 0xe0, 0x9d, 0x26), "\x0c"
                                                               "l");
}

/* Keys past the table (F-keys, keypad digits) and controller replies type
 * nothing. */
Test(scancode, keys_without_characters)
{
    cr_expect_str_eq(FEED(0x3b, 0xbb, 0x47, 0xc7, 0xfa, 0x45, 0xc5), "");
}
