#include "net/reassembly.h"

#include "lib/string.h"

namespace kernel::net {

Reassembler::~Reassembler() {
    for (auto& datagram : m_datagrams)
        if (datagram.in_use)
            discard(datagram, false);
}

Reassembler::Datagram* Reassembler::find_or_start(const FragmentKey& key, uint64_t now) {
    Datagram* free = nullptr;
    for (auto& datagram : m_datagrams) {
        if (datagram.in_use && datagram.key == key)
            return &datagram;
        if (!datagram.in_use && !free)
            free = &datagram;
    }
    if (!free)
        return nullptr;
    *free = Datagram{};
    free->in_use = true;
    free->key = key;
    free->deadline = now + timeout_ns;
    return free;
}

void Reassembler::discard(Datagram& datagram, bool count_dropped) {
    while (PacketBuffer* fragment = datagram.fragments) {
        datagram.fragments = fragment->next;
        m_bytes -= fragment->length;
        if (count_dropped)
            ++m_statistics.fragments_dropped;
        PacketBuffer::destroy(fragment);
    }
    datagram.in_use = false;
}

PacketBuffer* Reassembler::assemble(Datagram& datagram) {
    PacketBuffer* whole = PacketBuffer::create(datagram.total_length);
    if (!whole) {
        ++m_statistics.dropped_no_memory;
        discard(datagram, true);
        return nullptr;
    }
    for (PacketBuffer* fragment = datagram.fragments; fragment; fragment = fragment->next)
        memcpy(whole->data() + fragment->offset, fragment->data(), fragment->length);
    discard(datagram, false);
    ++m_statistics.fragments_reassembled;
    return whole;
}

PacketBuffer* Reassembler::add(const FragmentKey& key, size_t offset, bool more_fragments,
                               const uint8_t* data, size_t length, uint64_t now) {
    size_t end = offset + length;
    Datagram* datagram = find_or_start(key, now);
    if (!datagram) {
        ++m_statistics.fragments_dropped;
        return nullptr;
    }
    if (m_bytes + length > max_bytes) {
        ++m_statistics.fragments_dropped;
        if (!datagram->fragments)
            datagram->in_use = false;
        return nullptr;
    }
    bool inconsistent = (datagram->has_last && end > datagram->total_length) ||
                        (!more_fragments && datagram->has_last && end != datagram->total_length);
    PacketBuffer** link = &datagram->fragments;
    for (PacketBuffer* other = datagram->fragments; other && !inconsistent; other = other->next) {
        if (offset < other->offset + other->length && other->offset < end)
            inconsistent = true;
        if (!more_fragments && other->offset + other->length > end)
            inconsistent = true;
        if (other->offset < offset)
            link = &other->next;
    }
    if (inconsistent) {
        ++m_statistics.fragments_dropped;
        discard(*datagram, true);
        return nullptr;
    }
    PacketBuffer* fragment = PacketBuffer::create(length);
    if (!fragment) {
        ++m_statistics.dropped_no_memory;
        if (!datagram->fragments)
            datagram->in_use = false;
        return nullptr;
    }
    memcpy(fragment->data(), data, length);
    fragment->offset = offset;
    fragment->next = *link;
    *link = fragment;
    m_bytes += length;
    datagram->received += length;
    if (!more_fragments) {
        datagram->has_last = true;
        datagram->total_length = end;
    }
    if (datagram->has_last && datagram->received == datagram->total_length)
        return assemble(*datagram);
    return nullptr;
}

void Reassembler::run_timers(uint64_t now) {
    for (auto& datagram : m_datagrams)
        if (datagram.in_use && now >= datagram.deadline)
            discard(datagram, true);
}

uint64_t Reassembler::next_deadline_ns() const {
    uint64_t earliest = 0;
    for (auto& datagram : m_datagrams)
        if (datagram.in_use && (earliest == 0 || datagram.deadline < earliest))
            earliest = datagram.deadline;
    return earliest;
}

size_t Reassembler::datagrams_in_progress() const {
    size_t count = 0;
    for (auto& datagram : m_datagrams)
        count += datagram.in_use;
    return count;
}

} // namespace kernel::net
