// The kernel's optional components. The build links one kernel for each set of components it
// offers (kernel/CMakeLists.txt) and embeds them all in `ingot`; `ingot build` seals into an
// image the kernel with exactly the components the program can use (found in its and its
// libraries' symbols; --with, --without and --platform override). Every kernel states its own
// set: each component's objects put its bit in the section named components_section
// (kernel/components/component.h; kernel.ld keeps it), which the host reads from an image's
// kernel (`ingot inspect`, and `ingot run`'s checks that the image can do what it is asked to).
// A program that calls into a component its kernel lacks gets ENOSYS and one log line naming
// the component and the flag that adds it.
#pragma once

#include <stdint.h>

namespace ingot::abi {

// Sockets: AF_UNIX ones, and the TCP/IP stack with its AF_INET/AF_INET6 sockets.
inline constexpr uint32_t component_net = 1u << 0;
inline constexpr uint32_t component_hvt = 1u << 1; // the hvt platform (Ingot's KVM monitor)
inline constexpr uint32_t component_pvh = 1u << 2; // the PVH platform: QEMU, Firecracker
// The syscall tracer (--trace-syscalls), and the kernel's symbols and call-frame information in
// the image, which crash reports name functions and unwind the kernel with.
inline constexpr uint32_t component_debug = 1u << 3;
// Volumes (ingot run -v): the 9P client, and each platform's transport for it.
inline constexpr uint32_t component_volumes = 1u << 4;

struct ComponentName {
    uint32_t bit;
    const char* name; // as --with and --without spell it
};

inline constexpr ComponentName component_names[] = {
    {component_net, "net"}, {component_volumes, "volumes"}, {component_hvt, "hvt"},
    {component_pvh, "pvh"}, {component_debug, "debug"},
};

inline constexpr uint32_t platform_components = component_hvt | component_pvh;
inline constexpr uint32_t all_components =
    component_net | component_volumes | platform_components | component_debug;

// A macro: the kernel's section attribute takes only a string literal.
#define INGOT_COMPONENTS_SECTION ".ingot_components"

inline constexpr const char* component_name(uint32_t bit) {
    for (const ComponentName& component : component_names)
        if (component.bit == bit)
            return component.name;
    return "?";
}

} // namespace ingot::abi
