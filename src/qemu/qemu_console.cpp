#include "qemu/qemu_console.h"

#include "support/error.h"

namespace ingot {

QemuConsole parse_qemu_console(std::string_view text) {
    if (text.empty() || text == qemu_console_virtio)
        return QemuConsole::Virtio;
    if (text == qemu_console_serial)
        return QemuConsole::Serial;
    fail("--qemu-console '{}': choose {} or {}", text, qemu_console_virtio, qemu_console_serial);
}

} // namespace ingot
