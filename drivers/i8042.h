/*
 * The PS/2 controller (Intel 8042 and its successors in every PC chipset,
 * which firmware also drives to emulate a USB keyboard): a data port, a
 * status/command port, and the keyboard's IRQ 1. Its output port wires the
 * CPU's reset line and the A20 gate, so two of its commands can reset the
 * machine or break its memory map: the hypervisor keeps those
 * (i8042_filter_write()) when a partition owns the controller.
 */
#ifndef DRIVERS_I8042_H
#define DRIVERS_I8042_H

#include <stdbool.h>
#include <stdint.h>

#define I8042_DATA_PORT    0x60
#define I8042_COMMAND_PORT 0x64 /* reads: the status register */

#define I8042_STATUS_OUTPUT_FULL (1u << 0) /* a byte waits at the data port */
#define I8042_STATUS_INPUT_FULL  (1u << 1) /* the controller has not taken the last write */
#define I8042_STATUS_AUX_DATA    (1u << 5) /* the waiting byte is the mouse's */

#define I8042_CMD_READ_CONFIG   0x20
#define I8042_CMD_WRITE_CONFIG  0x60
#define I8042_CMD_ENABLE_KBD    0xae
#define I8042_CMD_WRITE_OUTPUT  0xd1 /* the next data byte is the output port */
#define I8042_CMD_PULSE_FIRST   0xf0 /* 0xf0-0xff pulse output lines: bit n clear pulses line n */
#define I8042_OUTPUT_RESET_LINE (1u << 0)

#define I8042_CONFIG_KBD_IRQ       (1u << 0)
#define I8042_CONFIG_KBD_DISABLED  (1u << 4)
#define I8042_CONFIG_TRANSLATE_SET (1u << 6) /* keyboard set 2 is passed on as set 1 */

/* What a partition's write to the controller may do. */
enum i8042_verdict {
    I8042_PASS = 0,
    I8042_REFUSED_RESET,       /* a pulse of the reset line */
    I8042_REFUSED_OUTPUT_PORT, /* the output-port write or its data byte (reset, A20) */
};

/* Per owner: whether the controller waits for an output-port byte. */
struct i8042_filter {
    bool output_port_next;
};

/* Decides a write of `value` to `port` (I8042_DATA_PORT or
 * I8042_COMMAND_PORT); remembers the output-port write, whose data byte is
 * refused with it. A new command cancels the wait, as on the controller. */
enum i8042_verdict i8042_filter_write(struct i8042_filter *filter, uint16_t port, uint8_t value);

/* "pulse reset", "output port (reset, A20)". */
const char *i8042_verdict_text(enum i8042_verdict verdict);

/* The controller's registers as they are, for the hypervisor's filter. */
uint8_t i8042_read(uint16_t port);
void i8042_write(uint16_t port, uint8_t value);

/* dom0's driver: the keyboard interface on, with its IRQ and set-1
 * translation, waiting bytes thrown away. False when no controller answers. */
bool i8042_enable_keyboard(void);

/* The next byte from the keyboard, if one waits (mouse bytes are dropped). */
bool i8042_read_keyboard(uint8_t *byte);

#endif
