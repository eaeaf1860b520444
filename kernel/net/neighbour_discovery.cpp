// Neighbour discovery for IPv6 (RFC 4861) and stateless address autoconfiguration (RFC 4862):
// the Ipv6Layer's addresses, neighbours and routers.
#include "lib/string.h"
#include "lib/utility.h"
#include "net/byte_order.h"
#include "net/checksum.h"
#include "net/icmpv6.h"
#include "net/ipv6.h"
#include "net/ipv6_address.h"

namespace kernel::net {

namespace {

constexpr uint8_t nd_hop_limit = 255;
constexpr size_t neighbour_message_length = 24; // NS and NA: header, reserved/flags, target
constexpr size_t router_advertisement_length = 16;
constexpr size_t router_solicitation_length = 8;

namespace option_type {
constexpr uint8_t source_link_layer = 1;
constexpr uint8_t target_link_layer = 2;
constexpr uint8_t prefix_information = 3;
constexpr uint8_t mtu = 5;
} // namespace option_type

constexpr uint8_t advert_solicited = 0x40;
constexpr uint8_t advert_override = 0x20;
constexpr uint8_t prefix_on_link = 0x80;
constexpr uint8_t prefix_autonomous = 0x40;
constexpr uint32_t infinite_lifetime = 0xffffffff;
// RFC 4862 5.5.3 e: a prefix's valid lifetime is not cut below two hours by an unauthenticated
// advertisement.
constexpr uint64_t two_hours_ns = 7200ull * 1'000'000'000;

// The options after a message's fixed part, every one of them checked (RFC 4861 4.6: none may
// have length 0, and none may run past the message).
struct NdOptions {
    const uint8_t* source_link_layer = nullptr;
    const uint8_t* target_link_layer = nullptr;
    const uint8_t* mtu = nullptr;
    bool valid = false;
};

NdOptions parse_options(const uint8_t* message, size_t length, size_t fixed) {
    NdOptions options;
    for (size_t at = fixed; at < length;) {
        if (at + 2 > length || message[at + 1] == 0)
            return options;
        size_t option_length = size_t(message[at + 1]) * 8;
        if (at + option_length > length)
            return options;
        const uint8_t* option = message + at;
        // A link-layer address option for Ethernet is 8 bytes (RFC 2464 8); other lengths are
        // another link's, and left alone.
        if (option[0] == option_type::source_link_layer && option_length == 8)
            options.source_link_layer = option;
        else if (option[0] == option_type::target_link_layer && option_length == 8)
            options.target_link_layer = option;
        else if (option[0] == option_type::mtu && option_length == 8)
            options.mtu = option;
        at += option_length;
    }
    options.valid = true;
    return options;
}

MacAddress mac_of(const uint8_t* option) {
    MacAddress mac;
    memcpy(mac.bytes, option + 2, 6);
    return mac;
}

Ipv6Address target_of(const uint8_t* message) {
    Ipv6Address target;
    memcpy(target.bytes, message + 8, 16);
    return target;
}

uint64_t lifetime_ns(uint32_t seconds, uint64_t now) {
    if (seconds == infinite_lifetime)
        return UINT64_MAX;
    return now + uint64_t(seconds) * 1'000'000'000;
}

bool is_solicited_node_group(const Ipv6Address& address) {
    return solicited_node_group(address) == address && address.bytes[11] == 1;
}

} // namespace

void Ipv6Layer::configure(const InterfaceConfig& config) {
    for (auto& entry : m_addresses)
        entry.state = AddressState::free;
    for (auto& prefix : m_prefixes)
        prefix.length = 0;
    m_neighbours.clear();
    m_router = Ipv6Address::any();
    m_router_until = 0;
    m_static_router = config.gateway6;
    m_link_mtu = m_device_mtu;
    m_hop_limit = default_hop_limit;
    m_router_solicitations = 0;
    m_next_router_solicitation = 0;
    add_address(link_local_address(m_link.mac_address()), 64, false, 0);
    if (!config.address6.is_any())
        add_address(config.address6, min<uint8_t>(config.prefix_length6, 128), false, 0);
}

Ipv6Layer::InterfaceAddress* Ipv6Layer::find_address(const Ipv6Address& address) {
    for (auto& entry : m_addresses)
        if (entry.state != AddressState::free && entry.address == address)
            return &entry;
    return nullptr;
}

// Tentative until duplicate address detection has sent its one solicitation and heard no
// answer for RetransTimer (RFC 4862 5.4, DupAddrDetectTransmits 1).
void Ipv6Layer::add_address(const Ipv6Address& address, uint8_t prefix_length, bool autoconfigured,
                            uint64_t valid_until) {
    if (find_address(address))
        return;
    for (auto& entry : m_addresses) {
        if (entry.state != AddressState::free)
            continue;
        entry.state = AddressState::tentative;
        entry.address = address;
        entry.prefix_length = prefix_length;
        entry.autoconfigured = autoconfigured;
        entry.valid_until = valid_until;
        entry.dad_deadline = m_environment.now_ns() + retrans_timer_ns;
        send_neighbour_solicitation(address, true);
        return;
    }
}

void Ipv6Layer::send_neighbour_solicitation(const Ipv6Address& target, bool for_dad) {
    uint8_t message[neighbour_message_length + 8] = {icmpv6_type::neighbour_solicitation};
    memcpy(message + 8, target.bytes, 16);
    size_t length = neighbour_message_length;
    Ipv6Address source = Ipv6Address::any();
    if (!for_dad) {
        source = source_for(target);
        // Our link-layer address, so the target can answer without asking back (RFC 4861
        // 7.2.2); never from the unspecified address (4.3).
        message[length] = option_type::source_link_layer;
        message[length + 1] = 1;
        memcpy(message + length + 2, m_link.mac_address().bytes, 6);
        length += 8;
    }
    Ipv6Address group = solicited_node_group(target);
    TransmitFragment fragment{message, length};
    ChecksumAccumulator sum(
        ipv6_pseudo_header_sum(source, group, ipv6_next_header::icmpv6, uint32_t(length)));
    sum.add(message, length);
    store_be16(message + 2, sum.checksum());
    (void)send_datagram(source, group, ipv6_next_header::icmpv6, &fragment, 1, nullptr,
                        nd_hop_limit, for_dad);
}

void Ipv6Layer::send_neighbour_advertisement(const Ipv6Address& target,
                                             const Ipv6Address& destination, bool solicited) {
    uint8_t message[neighbour_message_length + 8] = {icmpv6_type::neighbour_advertisement};
    message[4] = static_cast<uint8_t>(advert_override | (solicited ? advert_solicited : 0));
    memcpy(message + 8, target.bytes, 16);
    message[24] = option_type::target_link_layer;
    message[25] = 1;
    memcpy(message + 26, m_link.mac_address().bytes, 6);
    ChecksumAccumulator sum(
        ipv6_pseudo_header_sum(target, destination, ipv6_next_header::icmpv6, sizeof message));
    sum.add(message, sizeof message);
    store_be16(message + 2, sum.checksum());
    TransmitFragment fragment{message, sizeof message};
    (void)send_datagram(target, destination, ipv6_next_header::icmpv6, &fragment, 1, nullptr,
                        nd_hop_limit);
}

void Ipv6Layer::send_router_solicitation() {
    Ipv6Address source = source_for(Ipv6Address::all_routers());
    uint8_t message[router_solicitation_length + 8] = {icmpv6_type::router_solicitation};
    size_t length = router_solicitation_length;
    if (!source.is_any()) {
        message[length] = option_type::source_link_layer;
        message[length + 1] = 1;
        memcpy(message + length + 2, m_link.mac_address().bytes, 6);
        length += 8;
    }
    ChecksumAccumulator sum(ipv6_pseudo_header_sum(source, Ipv6Address::all_routers(),
                                                   ipv6_next_header::icmpv6, uint32_t(length)));
    sum.add(message, length);
    store_be16(message + 2, sum.checksum());
    TransmitFragment fragment{message, length};
    (void)send_datagram(source, Ipv6Address::all_routers(), ipv6_next_header::icmpv6, &fragment, 1,
                        nullptr, nd_hop_limit, source.is_any());
}

void Ipv6Layer::receive_neighbour_discovery(const Ipv6Datagram& datagram) {
    const uint8_t* message = datagram.payload;
    size_t length = datagram.payload_length;
    uint8_t type = message[0];
    // Only from the link itself: a router on the way would have decremented the hop limit
    // (RFC 4861 6.1, 7.1). No extension headers are expected before them either.
    bool valid = datagram.header.hop_limit == nd_hop_limit && message[1] == 0 &&
                 datagram.protocol == datagram.header.next_header;
    size_t fixed = type == icmpv6_type::router_advertisement  ? router_advertisement_length
                   : type == icmpv6_type::router_solicitation ? router_solicitation_length
                   : type == icmpv6_type::redirect            ? 40
                                                              : neighbour_message_length;
    valid = valid && length >= fixed;
    if (!valid) {
        ++m_statistics.nd_invalid;
        return;
    }
    switch (type) {
    case icmpv6_type::neighbour_solicitation:
        receive_neighbour_solicitation(datagram);
        return;
    case icmpv6_type::neighbour_advertisement:
        receive_neighbour_advertisement(datagram);
        return;
    case icmpv6_type::router_advertisement:
        receive_router_advertisement(datagram);
        return;
    default:
        // Router solicitations are for routers (RFC 4861 6.2.6); redirects are not followed.
        ++m_statistics.dropped_not_for_us;
        return;
    }
}

void Ipv6Layer::receive_neighbour_solicitation(const Ipv6Datagram& datagram) {
    const uint8_t* message = datagram.payload;
    Ipv6Address target = target_of(message);
    NdOptions options = parse_options(message, datagram.payload_length, neighbour_message_length);
    bool from_unspecified = datagram.header.source.is_any();
    // RFC 4861 7.1.1.
    if (!options.valid || target.is_multicast() ||
        (from_unspecified &&
         (!is_solicited_node_group(datagram.header.destination) || options.source_link_layer))) {
        ++m_statistics.nd_invalid;
        return;
    }
    InterfaceAddress* entry = find_address(target);
    if (!entry) {
        ++m_statistics.dropped_not_for_us;
        return;
    }
    if (entry->state == AddressState::tentative) {
        // Another node probing for the same address: neither of us may have it (RFC 4862
        // 5.4.3). A solicitation from a real address is not answered while tentative.
        if (from_unspecified)
            duplicate_detected(*entry);
        return;
    }
    if (from_unspecified) {
        send_neighbour_advertisement(target, Ipv6Address::all_nodes(), false);
        return;
    }
    if (options.source_link_layer)
        learn_neighbour(datagram.header.source, mac_of(options.source_link_layer), true);
    send_neighbour_advertisement(target, datagram.header.source, true);
}

void Ipv6Layer::receive_neighbour_advertisement(const Ipv6Datagram& datagram) {
    const uint8_t* message = datagram.payload;
    Ipv6Address target = target_of(message);
    NdOptions options = parse_options(message, datagram.payload_length, neighbour_message_length);
    // RFC 4861 7.1.2.
    if (!options.valid || target.is_multicast() ||
        (datagram.multicast && (message[4] & advert_solicited))) {
        ++m_statistics.nd_invalid;
        return;
    }
    if (InterfaceAddress* entry = find_address(target)) {
        // Someone else has an address we are testing: it is theirs (RFC 4862 5.4.4). One we
        // already hold is left to us, as Linux does.
        if (entry->state == AddressState::tentative)
            duplicate_detected(*entry);
        return;
    }
    // Only neighbours we asked about (or already knew) are recorded (RFC 4861 7.2.5).
    if (options.target_link_layer)
        learn_neighbour(target, mac_of(options.target_link_layer), false);
}

void Ipv6Layer::receive_router_advertisement(const Ipv6Datagram& datagram) {
    const uint8_t* message = datagram.payload;
    size_t length = datagram.payload_length;
    NdOptions options = parse_options(message, length, router_advertisement_length);
    // RFC 4861 6.1.2: from a router's link-local address.
    if (!options.valid || !datagram.header.source.is_link_local()) {
        ++m_statistics.nd_invalid;
        return;
    }
    uint64_t now = m_environment.now_ns();
    m_next_router_solicitation = 0;
    if (message[4] != 0)
        m_hop_limit = message[4];
    uint16_t router_lifetime = load_be16(message + 6);
    if (router_lifetime != 0) {
        m_router = datagram.header.source;
        m_router_until = now + uint64_t(router_lifetime) * 1'000'000'000;
    } else if (m_router == datagram.header.source) {
        m_router = Ipv6Address::any();
    }
    if (options.source_link_layer)
        learn_neighbour(datagram.header.source, mac_of(options.source_link_layer), true);
    if (options.mtu) {
        // RFC 4861 6.3.4: only within what the link can carry.
        uint32_t mtu = load_be32(options.mtu + 4);
        if (mtu >= ipv6_minimum_mtu && mtu <= m_device_mtu)
            m_link_mtu = mtu;
    }
    for (size_t at = router_advertisement_length; at < length; at += size_t(message[at + 1]) * 8)
        if (message[at] == option_type::prefix_information && message[at + 1] == 4)
            receive_prefix_information(message + at, now);
}

// RFC 4861 6.3.4 (on-link) and RFC 4862 5.5.3 (autonomous): one prefix information option.
void Ipv6Layer::receive_prefix_information(const uint8_t* option, uint64_t now) {
    uint8_t prefix_length = option[2];
    uint8_t flags = option[3];
    uint32_t valid = load_be32(option + 4);
    uint32_t preferred = load_be32(option + 8);
    Ipv6Address prefix;
    memcpy(prefix.bytes, option + 16, 16);
    if (prefix.is_link_local() || prefix.is_multicast() || prefix_length > 128 ||
        preferred > valid) {
        ++m_statistics.nd_invalid;
        return;
    }
    if (flags & prefix_on_link) {
        OnLinkPrefix* slot = nullptr;
        for (auto& entry : m_prefixes) {
            if (entry.length == prefix_length && same_prefix(entry.prefix, prefix, prefix_length)) {
                slot = &entry;
                break;
            }
            if (!slot && (entry.length == 0 || now >= entry.valid_until))
                slot = &entry;
        }
        if (slot && valid == 0)
            slot->length = 0;
        else if (slot) {
            slot->prefix = prefix;
            slot->length = prefix_length;
            slot->valid_until = lifetime_ns(valid, now);
        }
    }
    // SLAAC forms a 64-bit interface identifier, so only /64 prefixes (RFC 4862 5.5.3 d,
    // RFC 2464 4).
    if (!(flags & prefix_autonomous) || prefix_length != 64)
        return;
    Ipv6Address address = eui64_address(prefix, m_link.mac_address());
    InterfaceAddress* entry = find_address(address);
    if (!entry) {
        if (valid != 0)
            add_address(address, 64, true, lifetime_ns(valid, now));
        return;
    }
    if (!entry->autoconfigured)
        return;
    uint64_t advertised = lifetime_ns(valid, now);
    uint64_t remaining = entry->valid_until > now ? entry->valid_until - now : 0;
    if (advertised > now + two_hours_ns || advertised > entry->valid_until)
        entry->valid_until = advertised;
    else if (remaining > two_hours_ns)
        entry->valid_until = now + two_hours_ns;
}

void Ipv6Layer::learn_neighbour(const Ipv6Address& address, const MacAddress& mac, bool create) {
    if ((mac.bytes[0] & 1) != 0) {
        ++m_statistics.nd_invalid;
        return;
    }
    PacketQueue released;
    m_neighbours.learn(address, mac, m_environment.now_ns(), create, released);
    while (PacketBuffer* waiting = released.take_first()) {
        TransmitFragment fragment{waiting->data(), waiting->length};
        (void)m_link.send_ipv6(mac, &fragment, 1, waiting->owed_offload());
        PacketBuffer::destroy(waiting);
    }
}

void Ipv6Layer::duplicate_detected(InterfaceAddress& entry) {
    ++m_statistics.dad_conflicts;
    entry.state = AddressState::free;
}

void Ipv6Layer::run_address_timers(uint64_t now) {
    for (auto& entry : m_addresses) {
        if (entry.state == AddressState::tentative && now >= entry.dad_deadline) {
            entry.state = AddressState::preferred;
            // With a link-local address, routers can be asked (RFC 4861 6.3.7).
            if (entry.address.is_link_local() && m_router_solicitations == 0)
                m_next_router_solicitation = now;
        } else if (entry.state == AddressState::preferred && entry.autoconfigured &&
                   now >= entry.valid_until) {
            entry.state = AddressState::free;
        }
    }
    if (m_next_router_solicitation != 0 && now >= m_next_router_solicitation) {
        send_router_solicitation();
        ++m_router_solicitations;
        m_next_router_solicitation = m_router_solicitations < max_router_solicitations
                                         ? now + router_solicitation_interval_ns
                                         : 0;
    }
}

} // namespace kernel::net
