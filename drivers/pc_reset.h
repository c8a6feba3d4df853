/* The two ways a PC resets itself without ACPI. On a machine without the
 * device the write does nothing and the caller tries the next way. */
#ifndef DRIVERS_PC_RESET_H
#define DRIVERS_PC_RESET_H

/* Before a reset: puts chipset state that some emulated chipsets fail to
 * reset back to its reset value, so that the firmware starts as after power-on. */
void pc_reset_prepare_chipset(void);

/* The chipset's reset control register at port 0xcf9 (PIIX, ICH and later):
 * a full reset. */
void pc_reset_via_control_port(void);

/* Pulses the CPU reset line through the 8042 keyboard controller. */
void pc_reset_via_keyboard_controller(void);

#endif
