/*
 * Keyboard scancodes to characters: scan code set 1, which the PS/2
 * controller hands on by default (it translates the keyboard's set 2), US
 * layout. Pure: the state is the caller's, so the host unit tests feed it
 * byte sequences as a keyboard sends them.
 */
#ifndef GUESTS_DOM0_SCANCODE_H
#define GUESTS_DOM0_SCANCODE_H

#include <stdbool.h>
#include <stdint.h>

struct scancode_state {
    bool left_shift, right_shift, ctrl, caps_lock;
    bool extended; /* the last byte was the 0xe0 prefix */
};

/* Takes one byte from the keyboard; returns the character a key press
 * typed (Enter is '\r', Backspace 0x08, Ctrl with a key its control
 * character, as a terminal sends them), or 0 when the byte typed none
 * (a release, a modifier, a key without a character). */
char scancode_feed(struct scancode_state *state, uint8_t byte);

#endif
