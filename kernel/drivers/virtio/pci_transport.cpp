#include "drivers/virtio/pci_transport.h"

#include "arch/x86_64/mmio.h"
#include "drivers/pci/capabilities.h"
#include "drivers/virtio/feature_bits.h"
#include "lib/log.h"
#include "lib/utility.h"

namespace kernel::virtio {

namespace {

constexpr uint16_t vendor_virtio = 0x1af4;
constexpr uint16_t first_transitional_id = 0x1000;
constexpr uint16_t first_modern_id = 0x1040;
constexpr uint16_t last_modern_id = 0x107f;

// struct virtio_pci_cap (§4.1.4) inside the vendor-specific capability.
constexpr uint8_t cap_type = 3;
constexpr uint8_t cap_bar = 4;
constexpr uint8_t cap_offset = 8;
constexpr uint8_t cap_length = 12;
constexpr uint8_t cap_notify_multiplier = 16;

constexpr uint8_t structure_common = 1;
constexpr uint8_t structure_notify = 2;
// Reading its one byte returns and clears the status that INTx signals.
constexpr uint8_t structure_isr = 3;
constexpr uint8_t structure_device = 4;

// struct virtio_pci_common_cfg (§4.1.4.3).
constexpr uint64_t common_msix_config = 0x10;
constexpr uint64_t common_queue_msix_vector = 0x1a;
constexpr uint16_t no_msix_vector = 0xffff;
constexpr uint64_t common_device_feature_select = 0x00;
constexpr uint64_t common_device_feature = 0x04;
constexpr uint64_t common_driver_feature_select = 0x08;
constexpr uint64_t common_driver_feature = 0x0c;
constexpr uint64_t common_num_queues = 0x12;
constexpr uint64_t common_device_status = 0x14;
constexpr uint64_t common_queue_select = 0x16;
constexpr uint64_t common_queue_size = 0x18;
constexpr uint64_t common_queue_enable = 0x1c;
constexpr uint64_t common_queue_notify_off = 0x1e;
constexpr uint64_t common_queue_desc = 0x20;
constexpr uint64_t common_queue_driver = 0x28;
constexpr uint64_t common_queue_device = 0x30;
constexpr uint64_t common_size = 0x38;

struct Structure {
    bool present = false;
    uint8_t bar = 0;
    uint32_t offset = 0;
    uint32_t length = 0;
};

// The MSI-X capability (PCI 3.0 §6.8.2): message control, then the table's BAR and offset.
constexpr uint8_t msix_message_control = 2;
constexpr uint8_t msix_table_location = 4;
constexpr uint16_t msix_enable = 1u << 15;
constexpr uint16_t msix_function_mask = 1u << 14;
constexpr uint64_t msix_entry_size = 16;
// An entry: message address (low, high), message data, vector control (bit 0: masked).
constexpr uint64_t msix_entry_address_low = 0;
constexpr uint64_t msix_entry_address_high = 4;
constexpr uint64_t msix_entry_data = 8;
constexpr uint64_t msix_entry_control = 12;
// The local APIC's message window: destination APIC ID in bits 12-19, physical mode.
constexpr uint32_t msi_address_boot_cpu = 0xfee00000;

struct Capabilities {
    Structure common, notify, isr, device;
    uint32_t notify_multiplier = 0;
    uint8_t msix = 0; // the capability's offset, 0 when absent
};

Capabilities find_capabilities(pci::Address address) {
    Capabilities found;
    pci::for_each_capability(address, [&](uint8_t id, uint8_t at) {
        if (id == pci::capability_msix && !found.msix)
            found.msix = at;
        if (id != pci::capability_vendor_specific)
            return;
        Structure* structure = nullptr;
        switch (pci::read8(address, static_cast<uint8_t>(at + cap_type))) {
        case structure_common:
            structure = &found.common;
            break;
        case structure_notify:
            structure = &found.notify;
            break;
        case structure_isr:
            structure = &found.isr;
            break;
        case structure_device:
            structure = &found.device;
            break;
        }
        // The spec lets a device offer alternatives; the first is the preferred one.
        if (!structure || structure->present)
            return;
        structure->present = true;
        structure->bar = pci::read8(address, static_cast<uint8_t>(at + cap_bar));
        structure->offset = pci::read32(address, static_cast<uint8_t>(at + cap_offset));
        structure->length = pci::read32(address, static_cast<uint8_t>(at + cap_length));
        if (structure == &found.notify)
            found.notify_multiplier =
                pci::read32(address, static_cast<uint8_t>(at + cap_notify_multiplier));
    });
    return found;
}

void log_device(pci::Address address, const char* problem) {
    klog("virtio-pci at %02x:%02x.%x: %s", address.bus, address.device, address.function, problem);
}

ErrorOr<volatile void*> map_structure(pci::Address address, const pci::Bar (&bars)[pci::bar_count],
                                      const Structure& structure) {
    uint64_t end;
    if (structure.bar >= pci::bar_count || !bars[structure.bar].is_memory() ||
        !range_end(structure.offset, structure.length, end) || end > bars[structure.bar].size) {
        log_device(address, "capability points outside its BAR, skipped");
        return ENXIO;
    }
    const pci::Bar& bar = bars[structure.bar];
    if (!bar.is_assigned()) {
        klog("virtio-pci at %02x:%02x.%x: BAR %u left unassigned by firmware, skipped", address.bus,
             address.device, address.function, structure.bar);
        return ENXIO;
    }
    return map_mmio(bar.base + structure.offset, structure.length);
}

void write64_in_halves(volatile void* base, uint64_t offset, uint64_t value) {
    // Devices must accept 64-bit fields as two 32-bit stores, low half first (§4.1.3.1).
    mmio::write32(base, offset, static_cast<uint32_t>(value));
    mmio::write32(base, offset + 4, static_cast<uint32_t>(value >> 32));
}

} // namespace

bool is_virtio_pci_function(const pci::Function& function) {
    return function.vendor_id == vendor_virtio && function.device_id >= first_transitional_id &&
           function.device_id <= last_modern_id;
}

uint32_t virtio_pci_device_type(const pci::Function& function) {
    if (function.device_id >= first_modern_id)
        return function.device_id - first_modern_id;
    // Transitional devices carry the type in the subsystem ID (§4.1.2.1).
    return pci::read16(function.address, pci::offset_subsystem_id);
}

ErrorOr<void> PciTransport::initialize(const pci::Function& function) {
    pci::Address address = function.address;
    Capabilities capabilities = find_capabilities(address);
    if (!capabilities.common.present || !capabilities.notify.present) {
        log_device(address, "no virtio 1.x (modern) interface, legacy devices are not supported");
        return ENODEV;
    }
    if (capabilities.common.length < common_size) {
        log_device(address, "common configuration structure too small, skipped");
        return ENXIO;
    }
    pci::Bar bars[pci::bar_count];
    pci::read_bars(address, bars);
    m_common = TRY(map_structure(address, bars, capabilities.common));
    m_notify = TRY(map_structure(address, bars, capabilities.notify));
    m_notify_length = capabilities.notify.length;
    m_notify_multiplier = capabilities.notify_multiplier;
    if (capabilities.device.present)
        m_device_config = TRY(map_structure(address, bars, capabilities.device));
    if (capabilities.isr.present && capabilities.isr.length >= 1)
        m_isr = TRY(map_structure(address, bars, capabilities.isr));
    m_address = address;
    if (capabilities.msix) {
        // Without its table the device still works through INTx.
        uint32_t location =
            pci::read32(address, static_cast<uint8_t>(capabilities.msix + msix_table_location));
        Structure table{true, static_cast<uint8_t>(location & 7), location & ~7u,
                        static_cast<uint32_t>(msix_entry_size)};
        if (auto mapped = map_structure(address, bars, table); !mapped.is_error()) {
            m_msix_table = mapped.value();
            m_msix_capability = capabilities.msix;
        }
    }
    pci::enable_memory_and_bus_mastering(address);
    return {};
}

uint8_t PciTransport::status() {
    return mmio::read8(m_common, common_device_status);
}

void PciTransport::set_status(uint8_t status) {
    mmio::write8(m_common, common_device_status, status);
}

uint64_t PciTransport::device_features() {
    return read_feature_bits(m_common, common_device_feature_select, common_device_feature);
}

void PciTransport::set_driver_features(uint64_t features) {
    write_feature_bits(m_common, common_driver_feature_select, common_driver_feature, features);
}

uint16_t PciTransport::queue_max_size(uint16_t index) {
    if (index >= max_queues || index >= mmio::read16(m_common, common_num_queues))
        return 0;
    mmio::write16(m_common, common_queue_select, index);
    return mmio::read16(m_common, common_queue_size);
}

ErrorOr<void> PciTransport::enable_queue(uint16_t index, uint16_t size,
                                         const QueueAddresses& addresses) {
    uint16_t maximum = queue_max_size(index); // also selects the queue
    if (maximum == 0 || size > maximum)
        return EINVAL;
    uint64_t notify_offset =
        static_cast<uint64_t>(mmio::read16(m_common, common_queue_notify_off)) *
        m_notify_multiplier;
    if (notify_offset + sizeof(uint16_t) > m_notify_length)
        return ENXIO;
    m_queue_notify_offset[index] = notify_offset;
    mmio::write16(m_common, common_queue_size, size);
    write64_in_halves(m_common, common_queue_desc, addresses.descriptors);
    write64_in_halves(m_common, common_queue_driver, addresses.available);
    write64_in_halves(m_common, common_queue_device, addresses.used);
    mmio::write16(m_common, common_queue_enable, 1);
    return {};
}

void PciTransport::notify(uint16_t index) {
    mmio::write16(m_notify, m_queue_notify_offset[index], index);
}

uint32_t PciTransport::acknowledge_interrupt() {
    return m_isr ? mmio::read8(m_isr, 0) : 0;
}

ErrorOr<void> PciTransport::route_queue_to_msix(uint16_t index, uint8_t vector) {
    if (!m_msix_table)
        return ENODEV;
    if (index >= max_queues || index >= mmio::read16(m_common, common_num_queues))
        return EINVAL;
    mmio::write32(m_msix_table, msix_entry_address_low, msi_address_boot_cpu);
    mmio::write32(m_msix_table, msix_entry_address_high, 0);
    mmio::write32(m_msix_table, msix_entry_data, vector); // fixed delivery, edge
    mmio::write32(m_msix_table, msix_entry_control, 0);   // unmasked
    auto control_offset = static_cast<uint8_t>(m_msix_capability + msix_message_control);
    uint16_t control = pci::read16(m_address, control_offset);
    pci::write16(m_address, control_offset,
                 static_cast<uint16_t>((control | msix_enable) & ~msix_function_mask));
    mmio::write16(m_common, common_msix_config, no_msix_vector);
    mmio::write16(m_common, common_queue_select, index);
    mmio::write16(m_common, common_queue_msix_vector, 0);
    // A device that cannot use the vector reads back NO_VECTOR (§4.1.5.1.2).
    if (mmio::read16(m_common, common_queue_msix_vector) != 0)
        return EIO;
    return {};
}

} // namespace kernel::virtio
