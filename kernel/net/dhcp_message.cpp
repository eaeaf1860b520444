#include "net/dhcp_message.h"

#include "lib/string.h"
#include "net/byte_order.h"

namespace kernel::net {

namespace {

constexpr uint32_t magic_cookie = 0x63825363;
constexpr size_t fixed_length = 236;
constexpr size_t options_offset = fixed_length + 4;

namespace option {
constexpr uint8_t pad = 0;
constexpr uint8_t subnet_mask = 1;
constexpr uint8_t router = 3;
constexpr uint8_t dns_server = 6;
constexpr uint8_t requested_address = 50;
constexpr uint8_t lease_time = 51;
constexpr uint8_t message_type = 53;
constexpr uint8_t server_identifier = 54;
constexpr uint8_t parameter_list = 55;
constexpr uint8_t renewal_time = 58;
constexpr uint8_t rebinding_time = 59;
constexpr uint8_t end = 255;
} // namespace option

class OptionWriter {
public:
    explicit OptionWriter(uint8_t* at) : m_at(at) {}
    void add(uint8_t code, const uint8_t* value, uint8_t length) {
        *m_at++ = code;
        *m_at++ = length;
        memcpy(m_at, value, length);
        m_at += length;
    }
    void add_address(uint8_t code, Ipv4Address address) {
        uint8_t value[4];
        store_be32(value, address.value);
        add(code, value, 4);
    }
    uint8_t* end() { return m_at; }

private:
    uint8_t* m_at;
};

} // namespace

size_t write_dhcp_message(uint8_t* data, const DhcpMessage& message) {
    memset(data, 0, dhcp_message_size);
    data[0] = message.op;
    data[1] = 1; // Ethernet
    data[2] = 6;
    store_be32(data + 4, message.transaction_id);
    store_be16(data + 10, message.broadcast ? 0x8000 : 0);
    store_be32(data + 12, message.client_address.value);
    store_be32(data + 16, message.your_address.value);
    memcpy(data + 28, message.client_mac.bytes, 6);
    store_be32(data + fixed_length, magic_cookie);
    OptionWriter options(data + options_offset);
    options.add(option::message_type, &message.type, 1);
    if (!message.requested_address.is_any())
        options.add_address(option::requested_address, message.requested_address);
    if (!message.server_identifier.is_any())
        options.add_address(option::server_identifier, message.server_identifier);
    const uint8_t wanted[] = {option::subnet_mask, option::router,       option::dns_server,
                              option::lease_time,  option::renewal_time, option::rebinding_time};
    options.add(option::parameter_list, wanted, sizeof wanted);
    *options.end() = option::end;
    return dhcp_message_size;
}

bool parse_dhcp_message(const uint8_t* data, size_t length, DhcpMessage& message) {
    if (length < options_offset || data[1] != 1 || data[2] != 6 ||
        load_be32(data + fixed_length) != magic_cookie)
        return false;
    message = {};
    message.op = data[0];
    message.transaction_id = load_be32(data + 4);
    message.broadcast = load_be16(data + 10) & 0x8000;
    message.client_address = {load_be32(data + 12)};
    message.your_address = {load_be32(data + 16)};
    memcpy(message.client_mac.bytes, data + 28, 6);
    size_t at = options_offset;
    while (at < length) {
        uint8_t code = data[at++];
        if (code == option::pad)
            continue;
        if (code == option::end)
            break;
        if (at >= length)
            return false;
        size_t option_length = data[at++];
        if (option_length > length - at)
            return false;
        const uint8_t* value = data + at;
        at += option_length;
        // Lists (routers, DNS servers) keep their first entry.
        bool has_address = option_length >= 4;
        switch (code) {
        case option::message_type:
            if (option_length >= 1)
                message.type = value[0];
            break;
        case option::subnet_mask:
            if (has_address)
                message.subnet_mask = {load_be32(value)};
            break;
        case option::router:
            if (has_address)
                message.router = {load_be32(value)};
            break;
        case option::dns_server:
            if (has_address)
                message.dns_server = {load_be32(value)};
            break;
        case option::requested_address:
            if (has_address)
                message.requested_address = {load_be32(value)};
            break;
        case option::server_identifier:
            if (has_address)
                message.server_identifier = {load_be32(value)};
            break;
        case option::lease_time:
            if (has_address)
                message.lease_seconds = load_be32(value);
            break;
        case option::renewal_time:
            if (has_address)
                message.renewal_seconds = load_be32(value);
            break;
        case option::rebinding_time:
            if (has_address)
                message.rebinding_seconds = load_be32(value);
            break;
        default:
            break;
        }
    }
    return message.op == 2 && message.type != 0;
}

} // namespace kernel::net
