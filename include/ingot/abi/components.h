// The kernel's optional components. The build links one kernel for each set of components it
// offers (kernel/CMakeLists.txt) and embeds them all in `ingot`; `ingot build` seals into an
// image the smallest kernel that has every component the program can use (what it can use is
// found in its and its libraries' symbols; --with, --without and --platform override). Every
// kernel states its own set as the value of the absolute symbol `kernel_components_symbol`,
// which the host reads from an image's kernel (`ingot inspect`, and `ingot run`'s checks that
// the image can do what it is asked to). A program that calls into a component its kernel
// lacks gets ENOSYS and one log line naming the component and the flag that adds it.
#pragma once

#include <stdint.h>

namespace ingot::abi {

inline constexpr uint32_t component_net = 1u << 0; // the TCP/IP stack: AF_INET/AF_INET6 sockets
inline constexpr uint32_t component_hvt = 1u << 1; // the hvt platform (Ingot's KVM monitor)
inline constexpr uint32_t component_pvh = 1u << 2; // the PVH platform: QEMU, Firecracker

struct ComponentName {
    uint32_t bit;
    const char* name; // as --with and --without spell it
    const char* description;
};

inline constexpr ComponentName component_names[] = {
    {component_net, "net", "network stack: TCP, UDP, IPv4, IPv6, DHCP"},
    {component_hvt, "hvt", "hvt platform: the Ingot monitor on KVM"},
    {component_pvh, "pvh", "PVH platform: QEMU and Firecracker (PC devices, PCI, virtio-pci)"},
};

inline constexpr uint32_t platform_components = component_hvt | component_pvh;
inline constexpr uint32_t all_components = component_net | platform_components;

inline constexpr char kernel_components_symbol[] = "ingot_kernel_components";

inline constexpr const char* component_name(uint32_t bit) {
    for (const ComponentName& component : component_names)
        if (component.bit == bit)
            return component.name;
    return "?";
}

} // namespace ingot::abi
