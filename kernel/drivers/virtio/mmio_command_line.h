// Linux's way of describing a virtio-mmio device on the kernel command line, which Firecracker
// and QEMU microvm both use: `virtio_mmio.device=SIZE@BASE:IRQ[:ID]`, e.g.
// `virtio_mmio.device=4K@0xd0000000:5`. SIZE takes a K/M/G suffix; SIZE and BASE are decimal,
// 0x-hexadecimal or 0-octal, as Linux parses them; IRQ and the platform-device ID (ignored)
// are decimal.
#pragma once

#include "lib/error_or.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::virtio {

struct MmioWindow {
    uint64_t base;
    uint64_t size;
    uint32_t irq;
};

bool is_virtio_mmio_token(const char* token, size_t length);

// EINVAL for a token that is not of that form, has trailing bytes, a zero size, or numbers
// that overflow (the window must end within the 64-bit address space).
ErrorOr<MmioWindow> parse_virtio_mmio_token(const char* token, size_t length);

} // namespace kernel::virtio
