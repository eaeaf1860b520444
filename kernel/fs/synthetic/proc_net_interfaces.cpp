// /proc/net/dev, /proc/net/route, /proc/net/if_inet6 and /proc/net/arp: the interfaces
// (net/interface_facts.h) in Linux's layouts (net/core/net-procfs.c, net/ipv4/fib_trie.c,
// net/ipv6/addrconf.c, net/ipv4/arp.c), which net-tools' ifconfig, netstat -i, route and arp,
// metrics exporters and scripts parse by column.
#include "fs/synthetic/proc_generators.h"
#include "fs/synthetic/text_layout.h"
#include "lib/format.h"

namespace kernel::synthetic {

namespace {

using net::interfaces::Facts;

// fib_route_seq_show pads every line to 127 characters.
constexpr size_t route_line_width = 127;

class ArpLines final : public net::interfaces::NeighbourVisitor {
public:
    ArpLines(TextBuffer& text, const Facts& interfaces) : m_text(text), m_interfaces(interfaces) {}

    // "%-16s 0x%-10x0x%-10x%-17s     *        %s\n": the address, the link's hardware type,
    // ATF_COM once resolved, the MAC address, no mask, the link.
    void visit(const net::interfaces::Neighbour& neighbour) override {
        const net::interfaces::Link* link = m_interfaces.link(neighbour.index);
        if (!link)
            return;
        char field[24];
        const uint8_t* address = neighbour.address;
        format(field, sizeof field, "%u.%u.%u.%u", address[0], address[1], address[2], address[3]);
        append_left(m_text, field, 16);
        format(field, sizeof field, " 0x%x", net::interfaces::hardware_type(*link));
        append_left(m_text, field, 13);
        constexpr unsigned atf_com = 0x2;
        format(field, sizeof field, "0x%x", neighbour.resolved ? atf_com : 0);
        append_left(m_text, field, 12);
        const uint8_t* mac = neighbour.mac.bytes;
        format(field, sizeof field, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
               mac[4], mac[5]);
        append_left(m_text, field, 17);
        m_text.append("     *        %s\n", link->name);
    }

private:
    TextBuffer& m_text;
    const Facts& m_interfaces;
};

} // namespace

void generate_net_arp(const SystemFacts& facts, TextBuffer& text) {
    Facts interfaces;
    facts.interfaces(interfaces);
    text.append("IP address       HW type     Flags       HW address            Mask     Device\n");
    ArpLines lines(text, interfaces);
    facts.for_each_neighbour(lines);
}

void generate_net_dev(const SystemFacts& facts, TextBuffer& text) {
    Facts interfaces;
    facts.interfaces(interfaces);
    text.append("Inter-|   Receive                                                |  Transmit\n"
                " face |bytes    packets errs drop fifo frame compressed multicast|bytes    "
                "packets errs drop fifo colls carrier compressed\n");
    // Receive: bytes, packets, errs, drop, fifo, frame, compressed, multicast; transmit:
    // bytes, packets, errs, drop, fifo, colls, carrier, compressed. The links count no errors.
    constexpr unsigned long long none = 0;
    for (size_t i = 0; i < interfaces.link_count; ++i) {
        const net::interfaces::Link& link = interfaces.links[i];
        const net::interfaces::LinkCounters& counters = link.counters;
        text.append("%6s: %7llu %7llu %4llu %4llu %4llu %5llu %10llu %9llu %8llu %7llu %4llu %4llu "
                    "%4llu %5llu %7llu %10llu\n",
                    link.name, static_cast<unsigned long long>(counters.received_bytes),
                    static_cast<unsigned long long>(counters.received_packets), none, none, none,
                    none, none, none, static_cast<unsigned long long>(counters.sent_bytes),
                    static_cast<unsigned long long>(counters.sent_packets), none,
                    static_cast<unsigned long long>(counters.sent_dropped), none, none, none, none);
    }
}

// The main table's IPv4 routes in the trie's order, by destination: RTF_UP, and RTF_GATEWAY
// for a route through a router.
void generate_net_route(const SystemFacts& facts, TextBuffer& text) {
    Facts interfaces;
    facts.interfaces(interfaces);
    size_t start = text.length();
    text.append(
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT");
    end_padded_line(text, start, route_line_width);
    bool shown[Facts::max_routes] = {};
    for (;;) {
        const net::interfaces::Route* next = nullptr;
        size_t next_index = 0;
        for (size_t i = 0; i < interfaces.route_count; ++i) {
            const net::interfaces::Route& route = interfaces.routes[i];
            if (route.ipv6 || shown[i])
                continue;
            if (!next || net::load_be32(route.destination) < net::load_be32(next->destination)) {
                next = &route;
                next_index = i;
            }
        }
        if (!next)
            return;
        shown[next_index] = true;
        const net::interfaces::Link* link = interfaces.link(next->index);
        constexpr unsigned rtf_up = 0x1, rtf_gateway = 0x2;
        uint8_t mask[4];
        net::interfaces::ipv4_netmask(next->prefix_length, mask);
        start = text.length();
        text.append("%s\t%08X\t%08X\t%04X\t0\t0\t0\t%08X\t0\t0\t0", link ? link->name : "*",
                    address_word(next->destination), address_word(next->gateway),
                    rtf_up | (next->has_gateway ? rtf_gateway : 0), address_word(mask));
        end_padded_line(text, start, route_line_width);
    }
}

// Each IPv6 address: its 32 hex digits, the link's index, the prefix length, its scope
// (IPV6_ADDR_LOOPBACK 0x10, LINKLOCAL 0x20, global 0) and its IFA_F_* flags, as NETLINK_ROUTE
// gives them, then the link's name.
void generate_net_if_inet6(const SystemFacts& facts, TextBuffer& text) {
    Facts interfaces;
    facts.interfaces(interfaces);
    for (size_t i = 0; i < interfaces.address_count; ++i) {
        const net::interfaces::Address& address = interfaces.addresses[i];
        const net::interfaces::Link* link = interfaces.link(address.index);
        if (!address.ipv6 || !link)
            continue;
        for (uint8_t byte : address.bytes)
            text.append("%02x", byte);
        text.append(" %02x %02x %02x %02x %8s\n", static_cast<unsigned>(address.index),
                    address.prefix_length, net::interfaces::ipv6_scope(address),
                    net::interfaces::address_flags(address), link->name);
    }
}

} // namespace kernel::synthetic
