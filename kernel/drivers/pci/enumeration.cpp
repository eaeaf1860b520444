#include "drivers/pci/enumeration.h"

namespace kernel::pci {

namespace {

constexpr uint16_t no_device = 0xffff;
constexpr uint8_t multi_function_bit = 0x80;
constexpr uint8_t header_type_bridge = 1;
constexpr uint8_t class_bridge = 0x06;
constexpr uint8_t subclass_pci_bridge = 0x04;
constexpr int bus_count = 256;

class BusQueue {
public:
    // Each bus is scanned once, so a misnumbered bridge cannot make the scan loop.
    void push(uint8_t bus) {
        if (m_seen[bus])
            return;
        m_seen[bus] = true;
        m_buses[m_tail++] = bus;
    }
    bool empty() const { return m_head == m_tail; }
    uint8_t pop() { return m_buses[m_head++]; }

private:
    bool m_seen[bus_count] = {};
    uint8_t m_buses[bus_count] = {};
    int m_head = 0;
    int m_tail = 0;
};

Function read_function(Address address) {
    uint32_t class_register = read32(address, offset_class);
    return Function{
        address,
        read16(address, offset_vendor_id),
        read16(address, offset_device_id),
        static_cast<uint8_t>(class_register >> 24),
        static_cast<uint8_t>(class_register >> 16),
        static_cast<uint8_t>(read8(address, offset_header_type) & ~multi_function_bit),
    };
}

bool is_pci_bridge(const Function& function) {
    return function.header_type == header_type_bridge && function.class_code == class_bridge &&
           function.subclass == subclass_pci_bridge;
}

} // namespace

size_t enumerate(Function* functions, size_t capacity) {
    BusQueue buses;
    buses.push(0);
    size_t found = 0;
    while (!buses.empty()) {
        uint8_t bus = buses.pop();
        for (uint8_t device = 0; device < 32; ++device) {
            for (uint8_t number = 0; number < 8; ++number) {
                Address address{bus, device, number};
                if (read16(address, offset_vendor_id) == no_device) {
                    if (number == 0)
                        break;
                    continue;
                }
                Function function = read_function(address);
                if (found < capacity)
                    functions[found] = function;
                ++found;
                if (is_pci_bridge(function))
                    buses.push(read8(address, offset_secondary_bus));
                if (number == 0 && !(read8(address, offset_header_type) & multi_function_bit))
                    break;
            }
        }
    }
    return found;
}

} // namespace kernel::pci
