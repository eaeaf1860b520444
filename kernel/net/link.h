// The Ethernet link: frames in and out of the device, ARP resolution of next hops, answers to
// ARP requests for our address, and gratuitous announcements of it.
#pragma once

#include "lib/error_or.h"
#include "net/address.h"
#include "net/environment.h"
#include "net/ethernet.h"
#include "net/neighbour_cache.h"
#include "net/net_device.h"
#include "net/stack.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

// Where the link hands received IPv4 packets (the Ethernet header already stripped).
class Ipv4Input {
public:
    virtual ~Ipv4Input() = default;
    virtual void receive_ipv4(const uint8_t* packet, size_t length, bool checksum_verified) = 0;
};

// Where the link hands received IPv6 packets (RFC 2464), those to our MAC and to 33:33 groups.
class Ipv6Input {
public:
    virtual ~Ipv6Input() = default;
    virtual void receive_ipv6(const uint8_t* packet, size_t length, bool checksum_verified) = 0;
};

enum class LinkOutcome {
    sent,    // handed to the device
    queued,  // waiting for the next hop's ARP answer
    dropped, // the next hop's ARP queue is full: lost, as a full neighbour queue loses it on Linux
};

class EthernetLink {
public:
    // Enough for a 64 KiB TSO segment straight from the socket buffer's 2 KiB chunks (33 of
    // them) behind its IP and TCP headers; longer lists are gathered into one copy.
    static constexpr size_t max_fragments = 40;

    EthernetLink(NetDevice& device, const Environment& environment, StackStatistics& statistics);

    void set_ipv4_input(Ipv4Input* input) { m_ipv4_input = input; }
    void set_ipv6_input(Ipv6Input* input) { m_ipv6_input = input; }
    // Our address: what ARP answers for; any() answers nothing.
    void set_address(Ipv4Address address);
    Ipv4Address address() const { return m_address; }
    MacAddress mac_address() const { return m_mac; }
    NetDevice& device() { return m_device; }

    void receive_frame(const uint8_t* frame, size_t length, bool checksum_verified);

    // Sends an IPv4 packet (`fragments` in order, starting with its IP header) to `next_hop`
    // on the link, or to every host when `broadcast`. `checksum` offsets are relative to the
    // IP packet's first byte. EAGAIN when the device queue stays full or memory ran out.
    ErrorOr<LinkOutcome> send_ipv4(Ipv4Address next_hop, bool broadcast,
                                   const TransmitFragment* fragments, size_t count,
                                   const ChecksumRequest* checksum);

    // Sends an IPv6 packet to a MAC address the IPv6 layer has resolved (its neighbour cache
    // is its own). EAGAIN when the device queue stays full.
    ErrorOr<void> send_ipv6(MacAddress destination, const TransmitFragment* fragments, size_t count,
                            const ChecksumRequest* checksum);

    // Announces our address (a gratuitous ARP request), so that neighbours update their caches.
    void announce();

    void run_timers(uint64_t now);
    uint64_t next_deadline_ns() const { return m_arp.next_deadline_ns(); }
    // The ARP cache's entries (NeighbourCache::list).
    void list_neighbours(void (*visit)(void* context, Ipv4Address address, const MacAddress& mac,
                                       bool resolved),
                         void* context) const {
        m_arp.list(visit, context);
    }
    // IPv4 packets waiting for their next hop's ARP answer.
    bool has_pending_output() const { return m_arp.has_pending(); }

    // Whether frames were queued since the last flush, which then clears it.
    bool take_transmitted() {
        bool transmitted = m_transmitted;
        m_transmitted = false;
        return transmitted;
    }

private:
    void receive_arp(const uint8_t* data, size_t length);
    void send_arp(uint16_t operation, MacAddress destination, MacAddress target_mac,
                  Ipv4Address target_address);
    bool transmit(const TransmitFragment* fragments, size_t count, const ChecksumRequest* checksum);
    ErrorOr<LinkOutcome> transmit_to(MacAddress destination, const TransmitFragment* fragments,
                                     size_t count, const ChecksumRequest* checksum,
                                     uint16_t type = ether_type::ipv4);
    ErrorOr<LinkOutcome> hold_for_arp(Ipv4Address next_hop, const TransmitFragment* fragments,
                                      size_t count, const ChecksumRequest* checksum);
    static void request_again(void* context, Ipv4Address address);

    NetDevice& m_device;
    const Environment& m_environment;
    StackStatistics& m_statistics;
    Ipv4Input* m_ipv4_input = nullptr;
    Ipv6Input* m_ipv6_input = nullptr;
    MacAddress m_mac;
    Ipv4Address m_address;
    ArpCache m_arp;
    bool m_transmitted = false;
};

} // namespace kernel::net
