// A neighbour cache: next hops to MAC addresses, with entry lifetimes, request retries, and a
// small queue per unresolved address of IP packets waiting for the answer. ARP's for IPv4;
// neighbour discovery's for IPv6 (RFC 4861 7.2.2: three solicitations a second apart, and a
// queue behind resolution). RFC 4861's reachability states are folded into two: an entry is
// resolved for a fixed lifetime, then probed (three requests a second apart) while its address
// is still used, as Linux keeps using a STALE entry while it probes, so that a busy flow never
// waits for an answer it does not need; only a neighbour that stays silent is forgotten.
#pragma once

#include "net/address.h"
#include "net/packet_buffer.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

template <typename Address> class NeighbourCache {
public:
    static constexpr size_t capacity = 64;
    static constexpr uint64_t entry_lifetime_ns = 60'000'000'000;
    static constexpr uint64_t retry_interval_ns = 1'000'000'000;
    static constexpr unsigned max_requests = 3;
    // Enough for one 64 KiB datagram's fragments; more waits in the transports, not here.
    static constexpr size_t max_pending_bytes_per_entry = 96 * 1024;
    static constexpr size_t max_pending_bytes = 256 * 1024;

    NeighbourCache() = default;
    NeighbourCache(const NeighbourCache&) = delete;
    NeighbourCache& operator=(const NeighbourCache&) = delete;

    // The MAC address of a resolved entry (being probed or not), or nullptr.
    const MacAddress* lookup(Address address) const;

    // Records `address` at `mac`, refreshing its lifetime. An existing entry is always updated;
    // a new one is created only when `create` (someone asked us, or we asked). The packets
    // that waited for it come back, in order, for the caller to send.
    void learn(Address address, MacAddress mac, uint64_t now, bool create, PacketQueue& released);

    enum class HoldResult {
        send_request, // a new entry: ask now
        waiting,      // a request is already out
        dropped,      // no room: the packet is freed
    };
    // Queues an IP packet (ownership passes) until `address` resolves.
    HoldResult hold(Address address, PacketBuffer* packet, uint64_t now);

    // Retries, probes and expiries due by `now`: `request` is called for each address to ask
    // (again); returns how many waiting packets were dropped because an address never answered.
    size_t run_timers(uint64_t now, void (*request)(void* context, Address address), void* context);
    // The next retry or expiry, or 0 when none.
    uint64_t next_deadline_ns() const;
    // Whether any packet waits for an address to resolve.
    bool has_pending() const { return m_pending_bytes != 0; }
    // Each entry in use: its address, its MAC address (all zero until it resolves) and
    // whether it resolved, as /proc/net/arp shows them.
    void list(void (*visit)(void* context, Address address, const MacAddress& mac, bool resolved),
              void* context) const;

    void clear();

private:
    // incomplete: asked, not answered; resolved: answered within the lifetime; probing:
    // answered before, asked again, still used.
    enum class State : uint8_t { free, incomplete, resolved, probing };
    struct Entry {
        State state = State::free;
        Address address;
        MacAddress mac;
        uint64_t deadline = 0; // resolved: the end of its lifetime; else: the next request
        unsigned requests = 0;
        PacketQueue pending;
    };

    Entry* find(Address address);
    const Entry* find(Address address) const;
    Entry* allocate();
    void release(Entry& entry);

    Entry m_entries[capacity];
    size_t m_pending_bytes = 0;
};

extern template class NeighbourCache<Ipv4Address>;
extern template class NeighbourCache<Ipv6Address>;

using ArpCache = NeighbourCache<Ipv4Address>;
using Ipv6NeighbourCache = NeighbourCache<Ipv6Address>;

} // namespace kernel::net
