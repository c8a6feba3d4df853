#include "arch/x86_64/vplatform/vsystem_ports.h"

#define PORT_A_A20 0x02

void vsystem_ports_reset(struct vsystem_ports *ports)
{
    ports->post_code = 0xff;
}

void vsystem_ports_write(struct vsystem_ports *ports, uint16_t port, uint8_t value)
{
    if (port == VSYSTEM_POST_PORT)
        ports->post_code = value;
}

uint8_t vsystem_ports_read(const struct vsystem_ports *ports, uint16_t port)
{
    if (port == VSYSTEM_POST_PORT)
        return ports->post_code;
    return port == VSYSTEM_PORT_A ? PORT_A_A20 : 0xff;
}
