// The one place the platform asks for devices: it says where to look, this finds, logs and
// starts what it has drivers for. Boot-time only, single-threaded, after the frame allocator
// and the clock are up. Platform pvh; hvt has no devices.
#pragma once

#include "drivers/virtio/console_device.h"
#include "drivers/virtio/entropy_device.h"
#include "drivers/virtio/net_device.h"
#include "drivers/virtio/p9_device.h"

#include <stddef.h>

namespace kernel::drivers {

struct DeviceHints {
    struct Token {
        const char* text; // not NUL-terminated; must stay valid during probe()
        size_t length;
    };
    static constexpr size_t max_virtio_mmio_tokens = 16;

    // `virtio_mmio.device=SIZE@BASE:IRQ` tokens from the kernel command line (Firecracker,
    // QEMU microvm); malformed ones are logged and skipped.
    Token virtio_mmio_tokens[max_virtio_mmio_tokens] = {};
    size_t virtio_mmio_token_count = 0;
    // PCI through ports 0xCF8/0xCFC (QEMU pc, q35).
    bool scan_pci = false;
    // QEMU microvm's virtio-mmio slots, for when its command line lists none.
    bool probe_microvm_slots = false;
    // Log every device found (--boot-trace); problems are logged regardless.
    bool report_devices = false;
    // Drive the first virtio-console's port of this number (0: leave consoles alone).
    uint32_t console_port = 0;

    // False when the list is full.
    bool add_virtio_mmio_token(const char* text, size_t length) {
        if (virtio_mmio_token_count == max_virtio_mmio_tokens)
            return false;
        virtio_mmio_tokens[virtio_mmio_token_count++] = {text, length};
        return true;
    }
};

void probe(const DeviceHints& hints);

// The first working virtio-rng found by probe(), or nullptr.
virtio::EntropyDevice* entropy_device();

// The first working virtio-net found by probe(), or nullptr.
virtio::VirtioNetDevice* net_device();

// The first virtio-console whose port DeviceHints::console_port opened, or nullptr.
virtio::VirtioConsoleDevice* console_device();

// probe()'s start of a virtio-9p device, a volume (p9_probe.cpp, in the volumes component):
// whether the transport is now in use.
bool start_p9_device(virtio::Transport& transport, const char* where, bool report);
// The working virtio-9p devices probe() found (volumes on pvh), in the order found.
size_t p9_device_count();
virtio::P9Device* p9_device(size_t index);

// How a device interrupts: by an MSI-X message (PCI, where the device has it), else on an
// input of the I/O APICs (a GSI).
struct InterruptLine {
    bool present = false;
    bool message_signalled = false;
    uint32_t gsi = 0;
    // PCI INTx is level-triggered and shared; virtio-mmio interrupts are edges.
    bool level_triggered = false;
};
// net_device()'s interrupt, when its transport has one the platform can route.
InterruptLine net_device_interrupt();
// For a message-signalled one: has the device's receive queue interrupt with `vector`.
ErrorOr<void> route_net_device_message(uint8_t vector);

} // namespace kernel::drivers
