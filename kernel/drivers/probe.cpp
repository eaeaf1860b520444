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
#include "mm/kmalloc.h"

namespace kernel::drivers {

namespace {

// QEMU microvm's fixed virtio-mmio slots (hw/i386/microvm.h): up to 24 windows of 512 bytes.
constexpr uint64_t microvm_slots_base = 0xfeb00000;
constexpr uint64_t microvm_slot_size = 0x200;
constexpr int microvm_slot_count = 24;

constexpr size_t most_pci_functions = 64;
constexpr size_t most_mmio_windows = DeviceHints::max_virtio_mmio_tokens + microvm_slot_count;

virtio::EntropyDevice* the_entropy_device;
bool report_devices;

template <typename T, typename... Arguments> T* create(Arguments&... arguments) {
    void* memory = kmalloc(sizeof(T));
    return memory ? new (memory) T(arguments...) : nullptr;
}

const char* type_name(uint32_t type) {
    const char* name = virtio::device_type_name(type);
    return name ? name : "virtio device of unknown type";
}

// Starts the device behind `transport` if there is a driver for it and none is running yet.
// Returns whether the transport is now in use.
bool start_driver(uint32_t type, virtio::Transport& transport, const char* where) {
    if (type != virtio::device_type_entropy) {
        if (report_devices)
            klog("%s: %s, no driver", where, type_name(type));
        return false;
    }
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
    if (!start_driver(type, *transport, where))
        kfree(transport);
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
void probe_mmio_window(uint64_t base, uint64_t size, bool listed) {
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
    if (transport && !start_driver(type.value(), *transport, where))
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
        if (probed.insert(window.value().base))
            probe_mmio_window(window.value().base, window.value().size, true);
    }
    if (!hints.probe_microvm_slots)
        return;
    for (int slot = 0; slot < microvm_slot_count; ++slot) {
        uint64_t base = microvm_slots_base + slot * microvm_slot_size;
        if (probed.insert(base))
            probe_mmio_window(base, microvm_slot_size, false);
    }
}

} // namespace

void probe(const DeviceHints& hints) {
    report_devices = hints.report_devices;
    probe_virtio_mmio(hints);
    if (hints.scan_pci)
        scan_pci();
}

virtio::EntropyDevice* entropy_device() {
    return the_entropy_device;
}

} // namespace kernel::drivers
