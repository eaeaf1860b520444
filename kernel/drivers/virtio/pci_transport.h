// virtio over PCI, the modern (1.x) interface (virtio 1.x §4.1): the device's structures sit
// in its memory BARs where vendor-specific capabilities point. Transitional devices (QEMU's
// default on a conventional PCI bus) also carry these capabilities and are driven the same
// way; their legacy I/O BAR is ignored.
#pragma once

#include "drivers/pci/function.h"
#include "drivers/virtio/transport.h"

#include <stdint.h>

namespace kernel::virtio {

bool is_virtio_pci_function(const pci::Function& function);
// The virtio device type of a function is_virtio_pci_function accepted.
uint32_t virtio_pci_device_type(const pci::Function& function);

class PciTransport final : public Transport {
public:
    // Finds and maps the common, notify and device-specific structures and enables memory
    // decoding and bus mastering. Logs and fails when the device has no modern interface
    // (ENODEV) or firmware left a BAR it needs unassigned or too small (ENXIO).
    ErrorOr<void> initialize(const pci::Function& function);

    uint8_t status() override;
    void set_status(uint8_t status) override;
    uint64_t device_features() override;
    void set_driver_features(uint64_t features) override;
    uint16_t queue_max_size(uint16_t index) override;
    ErrorOr<void> enable_queue(uint16_t index, uint16_t size,
                               const QueueAddresses& addresses) override;
    void notify(uint16_t index) override;
    // 0 when the device has no ISR structure (it then cannot use INTx).
    uint32_t acknowledge_interrupt() override;

    bool has_msix() const { return m_msix_table != nullptr; }
    // Sends queue `index`'s interrupts as an MSI-X message for `vector` to the boot CPU
    // (APIC ID 0), through table entry 0, and no configuration-change interrupts; INTx falls
    // silent. Any time after the queue is set up. ENODEV without MSI-X, EIO when the device
    // refuses the vector.
    ErrorOr<void> route_queue_to_msix(uint16_t index, uint8_t vector);
    volatile void* device_config() override { return m_device_config; }

private:
    // Queues this transport can notify; enough for the devices driven here.
    static constexpr uint16_t max_queues = 8;

    volatile void* m_common = nullptr;
    volatile void* m_notify = nullptr;
    uint64_t m_notify_length = 0;
    uint32_t m_notify_multiplier = 0;
    volatile void* m_device_config = nullptr;
    volatile void* m_isr = nullptr;
    pci::Address m_address{};
    uint8_t m_msix_capability = 0;
    volatile void* m_msix_table = nullptr;
    uint64_t m_queue_notify_offset[max_queues] = {};
};

} // namespace kernel::virtio
