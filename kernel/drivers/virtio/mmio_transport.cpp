#include "drivers/virtio/mmio_transport.h"

#include "arch/x86_64/mmio.h"
#include "drivers/virtio/feature_bits.h"
#include "lib/log.h"

namespace kernel::virtio {

namespace {

constexpr uint32_t magic_virt = 0x74726976; // "virt", little endian
constexpr uint32_t version_legacy = 1;
constexpr uint32_t version_modern = 2;

// Register offsets (§4.2.2).
constexpr uint64_t register_magic = 0x000;
constexpr uint64_t register_version = 0x004;
constexpr uint64_t register_device_id = 0x008;
constexpr uint64_t register_device_features = 0x010;
constexpr uint64_t register_device_features_select = 0x014;
constexpr uint64_t register_driver_features = 0x020;
constexpr uint64_t register_driver_features_select = 0x024;
constexpr uint64_t register_queue_select = 0x030;
constexpr uint64_t register_queue_size_max = 0x034;
constexpr uint64_t register_queue_size = 0x038;
constexpr uint64_t register_queue_ready = 0x044;
constexpr uint64_t register_queue_notify = 0x050;
constexpr uint64_t register_interrupt_status = 0x060;
constexpr uint64_t register_interrupt_ack = 0x064;
constexpr uint64_t register_status = 0x070;
constexpr uint64_t register_queue_descriptors = 0x080;
constexpr uint64_t register_queue_available = 0x090;
constexpr uint64_t register_queue_used = 0x0a0;
constexpr uint64_t device_config_offset = 0x100;

void write64_in_halves(volatile void* registers, uint64_t offset, uint64_t value) {
    mmio::write32(registers, offset, static_cast<uint32_t>(value));
    mmio::write32(registers, offset + 4, static_cast<uint32_t>(value >> 32));
}

} // namespace

ErrorOr<uint32_t> identify_mmio_device(volatile void* registers, uint64_t physical) {
    auto at = static_cast<unsigned long long>(physical);
    if (mmio::read32(registers, register_magic) != magic_virt)
        return ENODEV;
    uint32_t version = mmio::read32(registers, register_version);
    if (version == version_legacy) {
        klog("virtio-mmio at 0x%llx: legacy (version 1) device, not supported; QEMU: "
             "-global virtio-mmio.force-legacy=false",
             at);
        return ENODEV;
    }
    if (version != version_modern) {
        klog("virtio-mmio at 0x%llx: unknown version %u, not supported", at, version);
        return ENODEV;
    }
    return mmio::read32(registers, register_device_id);
}

uint8_t MmioTransport::status() {
    return static_cast<uint8_t>(mmio::read32(m_registers, register_status));
}

void MmioTransport::set_status(uint8_t status) {
    mmio::write32(m_registers, register_status, status);
}

uint64_t MmioTransport::device_features() {
    return read_feature_bits(m_registers, register_device_features_select,
                             register_device_features);
}

void MmioTransport::set_driver_features(uint64_t features) {
    write_feature_bits(m_registers, register_driver_features_select, register_driver_features,
                       features);
}

uint16_t MmioTransport::queue_max_size(uint16_t index) {
    mmio::write32(m_registers, register_queue_select, index);
    uint32_t maximum = mmio::read32(m_registers, register_queue_size_max);
    return maximum > 0xffff ? 0xffff : static_cast<uint16_t>(maximum);
}

ErrorOr<void> MmioTransport::enable_queue(uint16_t index, uint16_t size,
                                          const QueueAddresses& addresses) {
    uint16_t maximum = queue_max_size(index); // also selects the queue
    // A queue already marked ready belongs to someone else (§4.2.3.2).
    if (maximum == 0 || size > maximum || mmio::read32(m_registers, register_queue_ready) != 0)
        return EINVAL;
    mmio::write32(m_registers, register_queue_size, size);
    write64_in_halves(m_registers, register_queue_descriptors, addresses.descriptors);
    write64_in_halves(m_registers, register_queue_available, addresses.available);
    write64_in_halves(m_registers, register_queue_used, addresses.used);
    mmio::write32(m_registers, register_queue_ready, 1);
    return {};
}

void MmioTransport::notify(uint16_t index) {
    mmio::write32(m_registers, register_queue_notify, index);
}

uint32_t MmioTransport::acknowledge_interrupt() {
    uint32_t status = mmio::read32(m_registers, register_interrupt_status);
    if (status)
        mmio::write32(m_registers, register_interrupt_ack, status);
    return status;
}

volatile void* MmioTransport::device_config() {
    return static_cast<volatile uint8_t*>(m_registers) + device_config_offset;
}

} // namespace kernel::virtio
