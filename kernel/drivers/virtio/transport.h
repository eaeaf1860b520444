// What a virtio driver needs from the bus its device sits on (virtio 1.x §4): the status
// byte, the feature bits, the queues and their notification. virtio-pci and virtio-mmio each
// implement it; drivers are written once against it.
#pragma once

#include "drivers/virtio/split_virtqueue.h"
#include "lib/error_or.h"

#include <stdint.h>

namespace kernel::virtio {

// Device status bits (§2.1).
inline constexpr uint8_t status_acknowledge = 1;
inline constexpr uint8_t status_driver = 2;
inline constexpr uint8_t status_driver_ok = 4;
inline constexpr uint8_t status_features_ok = 8;
inline constexpr uint8_t status_device_needs_reset = 64;
inline constexpr uint8_t status_failed = 128;

// Interrupt status bits.
inline constexpr uint32_t interrupt_queue = 1;
inline constexpr uint32_t interrupt_configuration = 2;

// Feature bits every driver here cares about (§6).
inline constexpr uint64_t feature_version_1 = 1ull << 32;

class Transport {
public:
    virtual uint8_t status() = 0;
    // Writing 0 resets the device.
    virtual void set_status(uint8_t status) = 0;
    virtual uint64_t device_features() = 0;
    virtual void set_driver_features(uint64_t features) = 0;
    // Largest size the device allows for queue `index`; 0 when there is no such queue.
    virtual uint16_t queue_max_size(uint16_t index) = 0;
    // Hands the queue's rings to the device and enables it.
    virtual ErrorOr<void> enable_queue(uint16_t index, uint16_t size,
                                       const QueueAddresses& addresses) = 0;
    virtual void notify(uint16_t index) = 0;
    // Reads and clears the interrupt status (§4.1.4.5, §4.2.2), which lowers a level-triggered
    // line; returns its bits (interrupt_queue, interrupt_configuration).
    virtual uint32_t acknowledge_interrupt() = 0;
    // The device-specific configuration structure (§5.x.4); nullptr for devices without one.
    virtual volatile void* device_config() = 0;

protected:
    ~Transport() = default;
};

} // namespace kernel::virtio
