#include "guests/dom0/scancode.h"

#define PREFIX_EXTENDED 0xe0
#define RELEASED        0x80
#define KEY_LEFT_CTRL   0x1d
#define KEY_LEFT_SHIFT  0x2a
#define KEY_RIGHT_SHIFT 0x36
#define KEY_CAPS_LOCK   0x3a
#define KEY_ENTER       0x1c
#define KEY_SLASH       0x35
#define KEYS_MAPPED     0x3a

/* Characters by make code, 0 for none; the two tables line up. */
static const char plain[KEYS_MAPPED + 1] = "\0\x1b"
                                           "1234567890-=\b\t"
                                           "qwertyuiop[]\r\0"
                                           "asdfghjkl;'`\0"
                                           "\\zxcvbnm,./\0*\0 ";
static const char shifted[KEYS_MAPPED + 1] = "\0\x1b"
                                             "!@#$%^&*()_+\b\t"
                                             "QWERTYUIOP{}\r\0"
                                             "ASDFGHJKL:\"~\0"
                                             "|ZXCVBNM<>?\0*\0 ";

/* Modifiers change state whether pressed or released; the rest of a
 * release types nothing. Returns whether the byte was a modifier. */
static bool track_modifier(struct scancode_state *s, uint8_t key, bool pressed)
{
    switch (key) {
    case KEY_LEFT_SHIFT:
        s->left_shift = pressed;
        return true;
    case KEY_RIGHT_SHIFT:
        s->right_shift = pressed;
        return true;
    case KEY_LEFT_CTRL: /* the right one is the same key after 0xe0 */
        s->ctrl = pressed;
        return true;
    case KEY_CAPS_LOCK:
        s->caps_lock ^= pressed;
        return true;
    default:
        return false;
    }
}

static char character(const struct scancode_state *s, uint8_t key)
{
    bool shift = s->left_shift || s->right_shift;
    char c = shift ? shifted[key] : plain[key];

    if (s->caps_lock && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
        c = (char)(c ^ 0x20);
    if (s->ctrl && ((c >= '@' && c <= '_') || (c >= 'a' && c <= 'z')))
        c = (char)(c & 0x1f);
    return c;
}

/* After 0xe0 only the keypad's Enter and '/' and the right Ctrl type or
 * change anything; the shifts the keyboard fakes around the arrow keys
 * (0xe0 0x2a) do not. */
char scancode_feed(struct scancode_state *s, uint8_t byte)
{
    bool extended = s->extended;
    uint8_t key = byte & (uint8_t)~RELEASED;
    bool pressed = !(byte & RELEASED);

    s->extended = byte == PREFIX_EXTENDED;
    if (s->extended)
        return 0;
    if (extended && key != KEY_LEFT_CTRL && key != KEY_ENTER && key != KEY_SLASH)
        return 0;
    if (track_modifier(s, key, pressed) || !pressed || key >= KEYS_MAPPED)
        return 0;
    return character(s, key);
}
