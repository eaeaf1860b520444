// Which channel `ingot run --platform qemu` frames the console over (--qemu-console): a
// virtio-console port, in large buffers, or COM1, a port I/O exit per byte but a device every
// machine has (include/ingot/abi/pvh_console.h).
#pragma once

#include <string_view>

namespace ingot {

enum class QemuConsole { Serial, Virtio };

inline constexpr std::string_view qemu_console_serial = "serial";
inline constexpr std::string_view qemu_console_virtio = "virtio";

inline std::string_view qemu_console_name(QemuConsole console) {
    return console == QemuConsole::Serial ? qemu_console_serial : qemu_console_virtio;
}

// --qemu-console's value; empty is the default, virtio. Throws UserError for anything else.
QemuConsole parse_qemu_console(std::string_view text);

} // namespace ingot
