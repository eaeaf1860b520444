// virtio over MMIO, version 2 (virtio 1.x §4.2): one register window per device, as Firecracker
// and QEMU microvm provide. Legacy version-1 windows are refused: their queue layout differs.
#pragma once

#include "drivers/virtio/transport.h"
#include "lib/error_or.h"

#include <stdint.h>

namespace kernel::virtio {

// The smallest window that holds the registers (the device configuration follows at 0x100).
inline constexpr uint64_t mmio_register_window_size = 0x100;

// The device type in a window; 0 marks an empty slot. ENODEV when no virtio magic is there
// (silently: probing empty address space is normal) or the device is legacy or of an unknown
// version (with a log line saying so).
ErrorOr<uint32_t> identify_mmio_device(volatile void* registers, uint64_t physical);

class MmioTransport final : public Transport {
public:
    // `registers` maps a window identify_mmio_device accepted.
    explicit MmioTransport(volatile void* registers) : m_registers(registers) {}

    uint8_t status() override;
    void set_status(uint8_t status) override;
    uint64_t device_features() override;
    void set_driver_features(uint64_t features) override;
    uint16_t queue_max_size(uint16_t index) override;
    ErrorOr<void> enable_queue(uint16_t index, uint16_t size,
                               const QueueAddresses& addresses) override;
    void notify(uint16_t index) override;
    uint32_t acknowledge_interrupt() override;
    volatile void* device_config() override;

private:
    volatile void* m_registers;
};

} // namespace kernel::virtio
