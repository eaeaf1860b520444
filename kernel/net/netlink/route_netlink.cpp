#include "net/netlink/route_netlink.h"

#include "lib/errno.h"
#include "lib/string.h"
#include "lib/string_view.h"
#include "net/byte_order.h"

namespace kernel::net::netlink {

namespace {

// include/uapi/linux/netlink.h, rtnetlink.h, if_link.h, if_addr.h, if.h, if_arp.h.
constexpr uint16_t nlmsg_error = 2, nlmsg_done = 3, nlmsg_min_type = 0x10;
constexpr uint16_t flag_request = 0x1, flag_multi = 0x2, flag_ack = 0x4, flag_dump = 0x300,
                   flag_capped = 0x100;
constexpr uint16_t rtm_newlink = 16, rtm_getlink = 18, rtm_newaddr = 20, rtm_getaddr = 22,
                   rtm_newroute = 24, rtm_getroute = 26;
constexpr uint8_t af_unspec = 0, af_inet = 2, af_inet6 = 10;
constexpr uint16_t ifla_address = 1, ifla_broadcast = 2, ifla_ifname = 3, ifla_mtu = 4,
                   ifla_stats = 7, ifla_txqlen = 13, ifla_operstate = 16, ifla_stats64 = 23;
constexpr uint8_t if_oper_unknown = 0, if_oper_up = 6;
constexpr uint16_t ifa_address = 1, ifa_local = 2, ifa_label = 3, ifa_broadcast = 4, ifa_flags = 8;
constexpr uint8_t rt_scope_universe = 0, rt_scope_link = 253, rt_scope_host = 254;
constexpr uint16_t rta_dst = 1, rta_oif = 4, rta_gateway = 5, rta_prefsrc = 7, rta_table = 15;
constexpr uint8_t rt_table_main = 254, rtprot_kernel = 2, rtprot_boot = 3, rtn_unicast = 1;

constexpr size_t header_length = 16;
constexpr size_t align4(size_t length) {
    return (length + 3) & ~size_t(3);
}

struct Header {
    uint32_t length;
    uint16_t type;
    uint16_t flags;
    uint32_t sequence;
    uint32_t port;
};
static_assert(sizeof(Header) == header_length);

// One datagram of messages, built in place. Every message and attribute is 4-byte aligned, as
// NLMSG_ALIGN and RTA_ALIGN have it; `full` once something did not fit. Its calls are not
// inlined: a dump makes dozens, and inlined they tripled the code's size.
class Writer {
public:
    Writer(uint8_t* buffer, size_t capacity) : m_buffer(buffer), m_capacity(capacity) {}

    [[gnu::noinline]] void begin(uint16_t type, uint16_t flags, const Header& request) {
        m_message = m_length;
        Header header{0, type, flags, request.sequence, m_port};
        put(&header, sizeof header);
    }
    [[gnu::noinline]] void put(const void* data, size_t length) {
        if (m_full || align4(length) > m_capacity - m_length) {
            m_full = true;
            return;
        }
        memcpy(m_buffer + m_length, data, length);
        memset(m_buffer + m_length + length, 0, align4(length) - length);
        m_length += align4(length);
    }
    [[gnu::noinline]] void attribute(uint16_t type, const void* data, size_t length) {
        uint16_t header[2] = {static_cast<uint16_t>(4 + length), type};
        put(header, sizeof header);
        put(data, length);
    }
    void attribute_u32(uint16_t type, uint32_t value) { attribute(type, &value, sizeof value); }
    void attribute_u8(uint16_t type, uint8_t value) { attribute(type, &value, sizeof value); }
    void attribute_string(uint16_t type, const char* text) {
        attribute(type, text, strlen(text) + 1);
    }
    [[gnu::noinline]] void end() {
        if (m_full)
            return;
        auto length = static_cast<uint32_t>(m_length - m_message);
        memcpy(m_buffer + m_message, &length, sizeof length);
    }

    void set_port(uint32_t port) { m_port = port; }
    bool full() const { return m_full; }
    size_t length() const { return m_length; }
    const uint8_t* data() const { return m_buffer; }
    void clear() {
        m_length = 0;
        m_full = false;
    }

private:
    uint8_t* m_buffer;
    size_t m_capacity;
    size_t m_length = 0;
    size_t m_message = 0;
    uint32_t m_port = 0;
    bool m_full = false;
};

using interfaces::Address;
using interfaces::Facts;
using interfaces::Link;
using interfaces::Route;

// struct rtnl_link_stats64 (IFLA_STATS64) and, with each counter cut to 32 bits, struct
// rtnl_link_stats (IFLA_STATS, which glibc's getifaddrs hands out as ifa_data): rx_packets,
// tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors, rx_dropped, tx_dropped, then error
// counters the links do not have, up to rx_otherhost_dropped (64-bit only).
constexpr size_t stats_count = 24, stats64_count = 25;

template <typename Counter, size_t N>
void put_stats(Writer& out, uint16_t type, const interfaces::LinkCounters& counters) {
    Counter values[N] = {static_cast<Counter>(counters.received_packets),
                         static_cast<Counter>(counters.sent_packets),
                         static_cast<Counter>(counters.received_bytes),
                         static_cast<Counter>(counters.sent_bytes),
                         0,
                         0,
                         0,
                         static_cast<Counter>(counters.sent_dropped)};
    out.attribute(type, values, sizeof values);
}

void put_link(Writer& out, const Link& link, uint16_t flags, const Header& request) {
    out.begin(rtm_newlink, flags, request);
    struct {
        uint8_t family, pad;
        uint16_t type;
        int32_t index;
        uint32_t flags, change;
    } message{
        af_unspec, 0, interfaces::hardware_type(link), link.index, interfaces::link_flags(link), 0};
    static_assert(sizeof message == 16);
    out.put(&message, sizeof message);
    out.attribute_string(ifla_ifname, link.name);
    out.attribute_u32(ifla_txqlen, interfaces::default_queue_length);
    out.attribute_u8(ifla_operstate, link.loopback ? if_oper_unknown : if_oper_up);
    out.attribute_u32(ifla_mtu, link.mtu);
    out.attribute(ifla_address, link.mac.bytes, sizeof link.mac.bytes);
    MacAddress broadcast = link.loopback ? MacAddress{} : MacAddress::broadcast();
    out.attribute(ifla_broadcast, broadcast.bytes, sizeof broadcast.bytes);
    put_stats<uint32_t, stats_count>(out, ifla_stats, link.counters);
    put_stats<uint64_t, stats64_count>(out, ifla_stats64, link.counters);
    out.end();
}

uint8_t address_scope(const Address& address) {
    if (!address.ipv6)
        return Ipv4Address{load_be32(address.bytes)}.is_loopback() ? rt_scope_host
                                                                   : rt_scope_universe;
    switch (interfaces::ipv6_scope(address)) {
    case interfaces::ipv6_scope_link:
        return rt_scope_link;
    case interfaces::ipv6_scope_host:
        return rt_scope_host;
    default:
        return rt_scope_universe;
    }
}

void put_address(Writer& out, const Facts& facts, const Address& address, const Header& request) {
    out.begin(rtm_newaddr, flag_multi, request);
    uint8_t flags = interfaces::address_flags(address);
    struct {
        uint8_t family, prefix_length, flags, scope;
        uint32_t index;
    } message{address.ipv6 ? af_inet6 : af_inet, address.prefix_length, flags,
              address_scope(address), static_cast<uint32_t>(address.index)};
    static_assert(sizeof message == 8);
    out.put(&message, sizeof message);
    size_t length = address.ipv6 ? 16 : 4;
    out.attribute(ifa_address, address.bytes, length);
    if (!address.ipv6) {
        out.attribute(ifa_local, address.bytes, length);
        if (uint8_t broadcast[4]; interfaces::ipv4_broadcast(address, broadcast))
            out.attribute(ifa_broadcast, broadcast, sizeof broadcast);
        if (const Link* link = facts.link(address.index))
            out.attribute_string(ifa_label, link->name);
    }
    out.attribute_u32(ifa_flags, flags);
    out.end();
}

void put_route(Writer& out, const Route& route, const Header& request) {
    out.begin(rtm_newroute, flag_multi, request);
    struct {
        uint8_t family, destination_length, source_length, tos, table, protocol, scope, type;
        uint32_t flags;
    } message{route.ipv6 ? af_inet6 : af_inet,
              route.prefix_length,
              0,
              0,
              rt_table_main,
              route.has_gateway ? rtprot_boot : rtprot_kernel,
              route.has_gateway ? rt_scope_universe : rt_scope_link,
              rtn_unicast,
              0};
    static_assert(sizeof message == 12);
    out.put(&message, sizeof message);
    size_t length = route.ipv6 ? 16 : 4;
    out.attribute_u32(rta_table, rt_table_main);
    if (route.prefix_length)
        out.attribute(rta_dst, route.destination, length);
    if (route.has_gateway)
        out.attribute(rta_gateway, route.gateway, length);
    constexpr uint8_t none[16] = {};
    if (memcmp(route.preferred_source, none, length) != 0)
        out.attribute(rta_prefsrc, route.preferred_source, length);
    out.attribute_u32(rta_oif, static_cast<uint32_t>(route.index));
    out.end();
}

// NLMSG_ERROR with `error` (0: an acknowledgement) and the request's header, NLM_F_CAPPED: its
// payload is not echoed.
void put_error(Writer& out, const Header& request, int error) {
    out.begin(nlmsg_error, flag_capped, request);
    int32_t code = -error;
    out.put(&code, sizeof code);
    out.put(&request, sizeof request);
    out.end();
}

void put_done(Writer& out, const Header& request) {
    out.begin(nlmsg_done, flag_multi, request);
    int32_t zero = 0;
    out.put(&zero, sizeof zero);
    out.end();
}

bool family_matches(uint8_t wanted, bool ipv6) {
    return wanted == af_unspec || wanted == (ipv6 ? af_inet6 : af_inet);
}

void dump(Writer& out, uint16_t type, uint8_t family, const Facts& facts, const Header& request) {
    if (type == rtm_getlink)
        for (size_t i = 0; i < facts.link_count; ++i)
            put_link(out, facts.links[i], flag_multi, request);
    if (type == rtm_getaddr)
        for (size_t i = 0; i < facts.address_count; ++i)
            if (family_matches(family, facts.addresses[i].ipv6))
                put_address(out, facts, facts.addresses[i], request);
    if (type == rtm_getroute)
        for (size_t i = 0; i < facts.route_count; ++i)
            if (family_matches(family, facts.routes[i].ipv6))
                put_route(out, facts.routes[i], request);
    put_done(out, request);
}

// RTM_GETLINK for one link: by ifi_index, else by an IFLA_IFNAME attribute.
const Link* requested_link(const uint8_t* payload, size_t length, const Facts& facts) {
    if (length < 16)
        return nullptr;
    int32_t index;
    memcpy(&index, payload + 4, sizeof index);
    if (index)
        return facts.link(index);
    for (size_t at = 16; at + 4 <= length;) {
        uint16_t attribute[2];
        memcpy(attribute, payload + at, sizeof attribute);
        if (attribute[0] < 4 || attribute[0] > length - at)
            break;
        if (attribute[1] == ifla_ifname) {
            StringView name(reinterpret_cast<const char*>(payload + at + 4), attribute[0] - 4u);
            while (name.length && name.data[name.length - 1] == 0)
                --name.length;
            return facts.link(name);
        }
        at += align4(attribute[0]);
    }
    return nullptr;
}

// The answer to one request, in `out`; whether there is one.
bool answer_one(Writer& out, const Header& request, const uint8_t* payload, size_t length,
                const Facts& facts) {
    // Control messages (NOOP, DONE, ERROR, ...) carry nothing to answer but their ACK.
    if (request.type < nlmsg_min_type || !(request.flags & flag_request)) {
        if (request.flags & flag_ack)
            put_error(out, request, 0);
        return request.flags & flag_ack;
    }
    bool get =
        request.type == rtm_getlink || request.type == rtm_getaddr || request.type == rtm_getroute;
    if (get && (request.flags & flag_dump) == flag_dump) {
        dump(out, request.type, length ? payload[0] : af_unspec, facts, request);
        return true;
    }
    if (request.type == rtm_getlink) {
        const Link* link = requested_link(payload, length, facts);
        if (!link) {
            put_error(out, request, ENODEV);
            return true;
        }
        put_link(out, *link, 0, request);
        if (request.flags & flag_ack)
            put_error(out, request, 0);
        return true;
    }
    put_error(out, request, ENOTSUP);
    return true;
}

} // namespace

void answer(const uint8_t* data, size_t length, uint32_t port, const Facts& facts,
            Replies& replies) {
    // The facts' caps bound a dump at under 2 KiB.
    uint8_t buffer[4096];
    Writer out(buffer, sizeof buffer);
    out.set_port(port);
    for (size_t at = 0; length - at >= header_length;) {
        Header request;
        memcpy(&request, data + at, sizeof request);
        if (request.length < header_length || request.length > length - at)
            return;
        out.clear();
        if (answer_one(out, request, data + at + header_length, request.length - header_length,
                       facts)) {
            if (out.full()) {
                out.clear();
                put_error(out, request, ENOBUFS);
            }
            replies.deliver(out.data(), out.length());
        }
        at += align4(request.length);
        if (at > length)
            return;
    }
}

} // namespace kernel::net::netlink
