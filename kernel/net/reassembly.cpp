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
    free->deadline = now + m_timeout_ns;
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

Reassembled Reassembler::assemble(Datagram& datagram) {
    PacketBuffer* whole = PacketBuffer::create(m_headroom + datagram.total_length);
    if (!whole) {
        ++m_statistics.dropped_no_memory;
        discard(datagram, true);
        return {};
    }
    for (PacketBuffer* fragment = datagram.fragments; fragment; fragment = fragment->next)
        memcpy(whole->data() + m_headroom + fragment->offset, fragment->data(), fragment->length);
    uint8_t next_header = datagram.next_header;
    discard(datagram, false);
    ++m_statistics.fragments_reassembled;
    return {whole, next_header};
}

Reassembled Reassembler::add(const FragmentKey& key, const Fragment& piece, uint64_t now) {
    size_t offset = piece.offset;
    size_t length = piece.length;
    bool more_fragments = piece.more_fragments;
    size_t end = offset + length;
    Datagram* datagram = find_or_start(key, now);
    if (!datagram) {
        ++m_statistics.fragments_dropped;
        return {};
    }
    if (m_bytes + length > max_bytes) {
        ++m_statistics.fragments_dropped;
        if (!datagram->fragments)
            datagram->in_use = false;
        return {};
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
        return {};
    }
    PacketBuffer* fragment = PacketBuffer::create(length);
    if (!fragment) {
        ++m_statistics.dropped_no_memory;
        if (!datagram->fragments)
            datagram->in_use = false;
        return {};
    }
    memcpy(fragment->data(), piece.data, length);
    if (offset == 0)
        datagram->next_header = piece.next_header;
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
    return {};
}

void Reassembler::run_timers(uint64_t now, ExpiryHandler expired, void* context) {
    for (auto& datagram : m_datagrams) {
        if (!datagram.in_use || now < datagram.deadline)
            continue;
        // Fragments are kept sorted by offset: the first one is the first in the list.
        PacketBuffer* first = datagram.fragments;
        if (expired && first && first->offset == 0)
            expired(context, datagram.key, datagram.next_header, first->data(), first->length);
        discard(datagram, true);
    }
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
