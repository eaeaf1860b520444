// The kernel command line `ingot run --platform qemu` passes with QEMU's -append, in the
// grammar of include/ingot/abi/pvh_console.h.
#pragma once

#include "net/network_attachment.h"
#include "qemu/qemu_console.h"
#include "vmm/volume/volume_spec.h"

#include <ingot/abi/boot_info.h>
#include <ingot/abi/identity.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ingot {

struct KernelCommandLineOptions {
    QemuConsole console = QemuConsole::Serial;
    std::array<abi::StreamKind, 3> streams; // stdin, stdout, stderr
    std::vector<std::string> environment;   // NAME=VALUE overriding or extending the image's
    std::vector<std::string> arguments;     // replaces the image's argv[1..] when not empty
    bool trace_syscalls = false;
    bool syscall_traps = false;
    bool boot_trace = false;
    std::optional<GuestNetworkConfig> network; // the interface's address, gateway, DNS or DHCP
    // `ingot.hostname=NAME` and one `ingot.nameserver=ADDR` per server, as BootInfo::identity
    // carries them on hvt.
    std::optional<abi::Identity> identity;
    // Volume i: `ingot.volume=i:ro|rw:GUESTDIR`, served with mount tag volume_mount_tag(i).
    std::vector<VolumeSpec> volumes;
};

// Spaces separate tokens, so every byte <= 0x20, '%' and every byte >= 0x7f becomes %XX.
std::string encode_command_line_token(std::string_view token);

// Always asks for the framed console, over `console`: ingot relays the program's streams
// through it.
// Throws UserError for an argument the grammar cannot carry (an empty one).
std::string kernel_command_line(const KernelCommandLineOptions& options);

} // namespace ingot
