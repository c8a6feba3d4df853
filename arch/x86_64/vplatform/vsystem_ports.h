/*
 * The odd single ports of a PC that kernels touch in passing: 0x80, the
 * POST code port that outb() to slow I/O down writes (kept, read back),
 * and 0x92, system control port A, whose bit 1 (fast A20) always reads
 * set: A20 is never masked here. Its bit 0 (a fast reset) is ignored; a
 * reset goes through the reset register or the keyboard controller.
 */
#ifndef ARCH_X86_64_VPLATFORM_VSYSTEM_PORTS_H
#define ARCH_X86_64_VPLATFORM_VSYSTEM_PORTS_H

#include <stdint.h>

#define VSYSTEM_POST_PORT 0x80
#define VSYSTEM_PORT_A    0x92

struct vsystem_ports {
    uint8_t post_code;
};

void vsystem_ports_reset(struct vsystem_ports *ports);
void vsystem_ports_write(struct vsystem_ports *ports, uint16_t port, uint8_t value);
uint8_t vsystem_ports_read(const struct vsystem_ports *ports, uint16_t port);

#endif
