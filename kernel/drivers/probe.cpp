#include "drivers/probe.h"

#include "arch/x86_64/mmio.h"
#include "drivers/pci/enumeration.h"
#include "drivers/virtio/device_types.h"
#include "drivers/virtio/mmio_command_line.h"
#include "drivers/virtio/mmio_transport.h"
#include "drivers/virtio/pci_transport.h"
#include "lib/format.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "linux/entropy.h"
#include "mm/frame_allocator.h"
#include "mm/kmalloc.h"
#include "time/clock.h"

namespace kernel::drivers {

namespace {

// QEMU microvm's fixed virtio-mmio slots (hw/i386/microvm.h): up to 24 windows of 512 bytes.
constexpr uint64_t microvm_slots_base = 0xfeb00000;
constexpr uint64_t microvm_slot_size = 0x200;
constexpr int microvm_slot_count = 24;
// Their interrupts: GSI 24 onwards, on microvm's second I/O APIC (hw/i386/microvm.c with its
// default ioapic2=on).
constexpr uint32_t microvm_slot_first_gsi = 24;

constexpr uint8_t pci_offset_interrupt_line = 0x3c;
constexpr uint8_t pci_offset_interrupt_pin = 0x3d;
constexpr uint8_t pci_interrupt_line_unknown = 0xff;

constexpr size_t most_pci_functions = 64;
constexpr size_t most_mmio_windows = DeviceHints::max_virtio_mmio_tokens + microvm_slot_count;

virtio::EntropyDevice* the_entropy_device;
virtio::VirtioNetDevice* the_net_device;
InterruptLine the_net_interrupt;
virtio::PciTransport* the_net_pci_transport;
bool report_devices;
uint32_t console_port;
virtio::VirtioConsoleDevice* the_console_device;
// QEMU answers the control queue as the driver notifies it; this only bounds a device that
// never does.
constexpr uint64_t console_open_timeout_ns = clock::ns_per_second;

template <typename T, typename... Arguments> T* create(Arguments&... arguments) {
    void* memory = kmalloc(sizeof(T));
    return memory ? new (memory) T(arguments...) : nullptr;
}

const char* type_name(uint32_t type) {
    const char* name = virtio::device_type_name(type);
    return name ? name : "virtio device of unknown type";
}

// Used when the device has no MAC of its own: locally administered, unicast.
net::MacAddress random_mac() {
    net::MacAddress mac;
    fill_random(mac.bytes, sizeof mac.bytes);
    mac.bytes[0] = static_cast<uint8_t>((mac.bytes[0] & 0xfe) | 0x02);
    return mac;
}

bool start_entropy_device(virtio::Transport& transport, const char* where) {
    if (the_entropy_device) {
        klog("%s: virtio-rng, one is already in use", where);
        return false;
    }
    auto* device = create<virtio::EntropyDevice>();
    if (!device)
        return false;
    if (auto result = device->initialize(transport); result.is_error()) {
        klog("%s: virtio-rng did not start (%s)", where, errno_name(result.error().code()));
        kfree(device);
        return false;
    }
    the_entropy_device = device;
    return true;
}

// A net device that failed keeps its queues: the device may still hold their addresses.
bool start_net_device(virtio::Transport& transport, const char* where,
                      const InterruptLine& interrupt) {
    if (the_net_device) {
        klog("%s: virtio-net, one is already in use", where);
        return false;
    }
    auto* device = create<virtio::VirtioNetDevice>();
    if (!device)
        return false;
    if (auto result = device->initialize(transport, frame_allocator(), random_mac());
        result.is_error()) {
        klog("%s: virtio-net did not start (%s)", where, errno_name(result.error().code()));
        return true;
    }
    the_net_device = device;
    the_net_interrupt = interrupt;
    if (!interrupt.present)
        klog("%s: virtio-net has no interrupt line: frames wait for the next tick", where);
    if (report_devices) {
        const auto address = device->mac_address();
        const uint8_t* mac = address.bytes;
        klog("%s: virtio-net %02x:%02x:%02x:%02x:%02x:%02x, features 0x%llx, irq %s%u", where,
             mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
             static_cast<unsigned long long>(device->features()),
             interrupt.message_signalled ? "msi-x "
             : interrupt.present         ? ""
                                         : "none ",
             interrupt.gsi);
    }
    return true;
}

// A console that failed keeps its queues: the device may still hold their addresses.
bool start_console_device(virtio::Transport& transport, const char* where) {
    if (console_port == 0 || the_console_device) {
        if (report_devices)
            klog("%s: virtio-console, %s", where,
                 console_port ? "one is already in use" : "not asked for");
        return false;
    }
    auto* device = create<virtio::VirtioConsoleDevice>();
    if (!device)
        return false;
    auto result = device->initialize(transport, frame_allocator(), console_port);
    uint64_t deadline = clock::monotonic_ns() + console_open_timeout_ns;
    while (!result.is_error() && !device->is_open() && clock::monotonic_ns() < deadline) {
        result = device->poll_control();
        asm volatile("pause");
    }
    if (result.is_error()) {
        klog("%s: virtio-console did not start (%s)", where, errno_name(result.error().code()));
        return true;
    }
    if (!device->is_open()) {
        klog("%s: virtio-console port %u did not open", where, console_port);
        return true;
    }
    the_console_device = device;
    if (report_devices)
        klog("%s: virtio-console, port %u open", where, console_port);
    return true;
}

// Starts the device behind `transport` if there is a driver for it and none is running yet.
// Returns whether the transport is now in use.
bool start_driver(uint32_t type, virtio::Transport& transport, const char* where,
                  const InterruptLine& interrupt) {
    switch (type) {
    case virtio::device_type_entropy:
        return start_entropy_device(transport, where);
    case virtio::device_type_net:
        return start_net_device(transport, where, interrupt);
    case virtio::device_type_9p:
        return start_p9_device(transport, where, report_devices);
    case virtio::device_type_console:
        return start_console_device(transport, where);
    default:
        if (report_devices)
            klog("%s: %s, no driver", where, type_name(type));
        return false;
    }
}

// MSI-X where the device has it: INTx as firmware routed it is only right for some chipsets
// (the line register holds the 8259's input; q35 wires PCI to I/O APIC inputs 16-23).
InterruptLine pci_interrupt(const pci::Function& function, const virtio::PciTransport& transport) {
    InterruptLine line;
    if (transport.has_msix()) {
        line.present = line.message_signalled = true;
        return line;
    }
    uint8_t pin = pci::read8(function.address, pci_offset_interrupt_pin);
    uint8_t number = pci::read8(function.address, pci_offset_interrupt_line);
    if (pin == 0 || number == pci_interrupt_line_unknown)
        return line;
    line.present = true;
    line.gsi = number;
    line.level_triggered = true;
    return line;
}

void probe_pci_function(const pci::Function& function) {
    if (!virtio::is_virtio_pci_function(function))
        return;
    uint32_t type = virtio::virtio_pci_device_type(function);
    char where[64];
    format(where, sizeof where, "%s at pci %02x:%02x.%x", type_name(type), function.address.bus,
           function.address.device, function.address.function);
    auto* transport = create<virtio::PciTransport>();
    if (!transport)
        return;
    if (transport->initialize(function).is_error()) {
        kfree(transport);
        return;
    }
    if (report_devices)
        klog("%s (modern)", where);
    if (!start_driver(type, *transport, where, pci_interrupt(function, *transport))) {
        kfree(transport);
        return;
    }
    if (type == virtio::device_type_net && the_net_device)
        the_net_pci_transport = transport;
}

void scan_pci() {
    pci::Function functions[most_pci_functions];
    size_t found = pci::enumerate(functions, most_pci_functions);
    if (found > most_pci_functions)
        klog("pci: %zu functions, only the first %zu are probed", found, most_pci_functions);
    for (size_t i = 0; i < min(found, most_pci_functions); ++i)
        probe_pci_function(functions[i]);
}

// Windows already probed: microvm lists its devices on the command line and has them in its
// slots too.
class WindowSet {
public:
    bool insert(uint64_t base) {
        for (size_t i = 0; i < m_count; ++i) {
            if (m_bases[i] == base)
                return false;
        }
        if (m_count == most_mmio_windows)
            return false;
        m_bases[m_count++] = base;
        return true;
    }

private:
    uint64_t m_bases[most_mmio_windows] = {};
    size_t m_count = 0;
};

// `listed`: named on the command line, so an absent device is worth a log line.
void probe_mmio_window(uint64_t base, uint64_t size, bool listed, const InterruptLine& interrupt) {
    auto at = static_cast<unsigned long long>(base);
    if (size < virtio::mmio_register_window_size) {
        klog("virtio-mmio at 0x%llx: window of %llu bytes is too small", at,
             static_cast<unsigned long long>(size));
        return;
    }
    auto registers = map_mmio(base, size);
    if (registers.is_error())
        return;
    auto type = virtio::identify_mmio_device(registers.value(), base);
    if (type.is_error()) {
        if (listed)
            klog("virtio-mmio at 0x%llx: no virtio device there", at);
        return;
    }
    if (type.value() == 0)
        return; // an empty slot
    char where[64];
    format(where, sizeof where, "virtio-mmio at 0x%llx", at);
    if (report_devices)
        klog("%s: %s", where, type_name(type.value()));
    auto* transport = create<virtio::MmioTransport>(registers.value());
    if (transport && !start_driver(type.value(), *transport, where, interrupt))
        kfree(transport);
}

void probe_virtio_mmio(const DeviceHints& hints) {
    WindowSet probed;
    for (size_t i = 0; i < hints.virtio_mmio_token_count; ++i) {
        const auto& token = hints.virtio_mmio_tokens[i];
        auto window = virtio::parse_virtio_mmio_token(token.text, token.length);
        if (window.is_error()) {
            char text[96];
            size_t length = min(token.length, sizeof text - 1);
            memcpy(text, token.text, length);
            text[length] = 0;
            klog("ignoring malformed command-line token '%s'", text);
            continue;
        }
        InterruptLine interrupt{.present = true, .gsi = window.value().irq};
        if (probed.insert(window.value().base))
            probe_mmio_window(window.value().base, window.value().size, true, interrupt);
    }
    if (!hints.probe_microvm_slots)
        return;
    for (int slot = 0; slot < microvm_slot_count; ++slot) {
        uint64_t base = microvm_slots_base + slot * microvm_slot_size;
        InterruptLine interrupt{.present = true,
                                .gsi = microvm_slot_first_gsi + static_cast<uint32_t>(slot)};
        if (probed.insert(base))
            probe_mmio_window(base, microvm_slot_size, false, interrupt);
    }
}

} // namespace

void probe(const DeviceHints& hints) {
    report_devices = hints.report_devices;
    console_port = hints.console_port;
    probe_virtio_mmio(hints);
    if (hints.scan_pci)
        scan_pci();
}

virtio::EntropyDevice* entropy_device() {
    return the_entropy_device;
}

virtio::VirtioNetDevice* net_device() {
    return the_net_device;
}

virtio::VirtioConsoleDevice* console_device() {
    return the_console_device;
}

InterruptLine net_device_interrupt() {
    return the_net_interrupt;
}

ErrorOr<void> route_net_device_message(uint8_t vector) {
    if (!the_net_pci_transport || !the_net_interrupt.message_signalled)
        return ENODEV;
    return the_net_pci_transport->route_queue_to_msix(virtio::VirtioNetDevice::receive_queue,
                                                      vector);
}

} // namespace kernel::drivers
