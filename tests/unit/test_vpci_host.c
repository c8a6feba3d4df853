#include <criterion/criterion.h>

#include "arch/x86_64/vplatform/vpci_host.h"
#include "arch/x86_64/vplatform/vsystem_ports.h"
#include "hv/device_model.h"

Test(vpci_host, identifies_as_a_q35_host_bridge)
{
    cr_assert_eq(vpci_host_bridge_read(0x00, 4), 0x29c08086);
    cr_assert_eq(vpci_host_bridge_read(0x00, 2), 0x8086);
    cr_assert_eq(vpci_host_bridge_read(0x02, 2), 0x29c0);
    cr_assert_eq(vpci_host_bridge_read(0x08, 4) >> 8, 0x060000, "class: host bridge");
    cr_assert_eq(vpci_host_bridge_read(0x0e, 1), 0x00, "header type 0, one function");
    cr_assert_eq(vpci_host_bridge_read(0x10, 4), 0, "no BARs");
    cr_assert_eq(vpci_host_bridge_read(0x34, 1), 0, "no capabilities");
    cr_assert_eq(vpci_host_bridge_read(0xfc, 4), 0);
}

Test(vpci_host, extended_space_reads_all_ones)
{
    cr_assert_eq(vpci_host_bridge_read(0x100, 4), 0xffffffffu);
    cr_assert_eq(vpci_host_bridge_read(0xfe, 4), 0xffff0000u);
}

Test(vpci_host, ecam_offsets_name_bus_device_function_register)
{
    uint64_t address;

    cr_assert(vpci_ecam_address(0, &address));
    cr_assert_eq(address, DEVICE_PCI_ADDRESS(0, 0, 0, 0));
    cr_assert(vpci_ecam_address(3ull << 20 | 5 << 15 | 2 << 12 | 0x3c, &address));
    cr_assert_eq(address, DEVICE_PCI_ADDRESS(3, 5, 2, 0x3c));
    cr_assert(vpci_ecam_address(255ull << 20 | 31 << 15 | 7 << 12 | 0xff, &address));
    cr_assert_eq(address, DEVICE_PCI_ADDRESS(255, 31, 7, 0xff));
    cr_assert_not(vpci_ecam_address(0x100, &address), "extended space");
    cr_assert_not(vpci_ecam_address(1 << 15 | 0xffc, &address));
}

Test(vsystem_ports, post_code_reads_back_and_a20_is_on)
{
    struct vsystem_ports ports;

    vsystem_ports_reset(&ports);
    cr_assert_eq(vsystem_ports_read(&ports, VSYSTEM_POST_PORT), 0xff);
    vsystem_ports_write(&ports, VSYSTEM_POST_PORT, 0x42);
    cr_assert_eq(vsystem_ports_read(&ports, VSYSTEM_POST_PORT), 0x42);
    cr_assert_eq(vsystem_ports_read(&ports, VSYSTEM_PORT_A) & 0x02, 0x02);
    vsystem_ports_write(&ports, VSYSTEM_PORT_A, 0x01); /* a fast reset: ignored */
    cr_assert_eq(vsystem_ports_read(&ports, VSYSTEM_PORT_A), 0x02);
}
