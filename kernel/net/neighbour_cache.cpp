#include "net/neighbour_cache.h"

namespace kernel::net {

template <typename Address>
typename NeighbourCache<Address>::Entry* NeighbourCache<Address>::find(Address address) {
    for (auto& entry : m_entries)
        if (entry.state != State::free && entry.address == address)
            return &entry;
    return nullptr;
}

template <typename Address>
const typename NeighbourCache<Address>::Entry*
NeighbourCache<Address>::find(Address address) const {
    return const_cast<NeighbourCache*>(this)->find(address);
}

template <typename Address>
const MacAddress* NeighbourCache<Address>::lookup(Address address) const {
    const Entry* entry = find(address);
    if (!entry || entry->state == State::incomplete)
        return nullptr;
    return &entry->mac;
}

// A free slot, or else the resolved entry closest to expiry: unresolved entries hold packets
// and a pending question, so they are not evicted.
template <typename Address>
typename NeighbourCache<Address>::Entry* NeighbourCache<Address>::allocate() {
    Entry* victim = nullptr;
    for (auto& entry : m_entries) {
        if (entry.state == State::free)
            return &entry;
        if (entry.state != State::incomplete && (!victim || entry.deadline < victim->deadline))
            victim = &entry;
    }
    if (victim)
        release(*victim);
    return victim;
}

template <typename Address> void NeighbourCache<Address>::release(Entry& entry) {
    m_pending_bytes -= entry.pending.bytes();
    entry.pending.clear();
    entry.state = State::free;
    entry.requests = 0;
}

template <typename Address>
void NeighbourCache<Address>::learn(Address address, MacAddress mac, uint64_t now, bool create,
                                    PacketQueue& released) {
    Entry* entry = find(address);
    if (!entry) {
        if (!create)
            return;
        entry = allocate();
        if (!entry)
            return;
        entry->address = address;
    }
    entry->state = State::resolved;
    entry->mac = mac;
    entry->deadline = now + entry_lifetime_ns;
    entry->requests = 0;
    m_pending_bytes -= entry->pending.bytes();
    while (PacketBuffer* packet = entry->pending.take_first())
        released.append(packet);
}

template <typename Address>
typename NeighbourCache<Address>::HoldResult
NeighbourCache<Address>::hold(Address address, PacketBuffer* packet, uint64_t now) {
    Entry* entry = find(address);
    bool is_new = false;
    if (!entry || entry->state != State::incomplete) {
        // Only an address lookup() does not know waits; one it knows is asked about anew.
        if (!entry)
            entry = allocate();
        if (!entry) {
            PacketBuffer::destroy(packet);
            return HoldResult::dropped;
        }
        entry->address = address;
        entry->state = State::incomplete;
        entry->requests = 1;
        entry->deadline = now + retry_interval_ns;
        is_new = true;
    }
    if (entry->pending.bytes() + packet->length > max_pending_bytes_per_entry ||
        m_pending_bytes + packet->length > max_pending_bytes) {
        PacketBuffer::destroy(packet);
        return is_new ? HoldResult::send_request : HoldResult::dropped;
    }
    m_pending_bytes += packet->length;
    entry->pending.append(packet);
    return is_new ? HoldResult::send_request : HoldResult::waiting;
}

template <typename Address>
size_t NeighbourCache<Address>::run_timers(uint64_t now,
                                           void (*request)(void* context, Address address),
                                           void* context) {
    size_t dropped = 0;
    for (auto& entry : m_entries) {
        if (entry.state == State::free || now < entry.deadline)
            continue;
        if (entry.state == State::resolved) {
            entry.state = State::probing;
            entry.requests = 1;
            entry.deadline = now + retry_interval_ns;
            request(context, entry.address);
            continue;
        }
        if (entry.requests >= max_requests) {
            dropped += entry.pending.count();
            release(entry);
            continue;
        }
        ++entry.requests;
        entry.deadline = now + retry_interval_ns;
        request(context, entry.address);
    }
    return dropped;
}

template <typename Address> uint64_t NeighbourCache<Address>::next_deadline_ns() const {
    uint64_t earliest = 0;
    for (auto& entry : m_entries)
        if (entry.state != State::free && (earliest == 0 || entry.deadline < earliest))
            earliest = entry.deadline;
    return earliest;
}

template <typename Address>
void NeighbourCache<Address>::list(void (*visit)(void* context, Address address,
                                                 const MacAddress& mac, bool resolved),
                                   void* context) const {
    for (auto& entry : m_entries) {
        if (entry.state == State::free)
            continue;
        // A probed entry keeps the MAC address it resolved to, as Linux's STALE one does.
        bool resolved = entry.state != State::incomplete;
        visit(context, entry.address, resolved ? entry.mac : MacAddress{}, resolved);
    }
}

template <typename Address> void NeighbourCache<Address>::clear() {
    for (auto& entry : m_entries)
        if (entry.state != State::free)
            release(entry);
}

template class NeighbourCache<Ipv4Address>;
template class NeighbourCache<Ipv6Address>;

} // namespace kernel::net
