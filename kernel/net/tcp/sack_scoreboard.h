// The sender's record of what the peer reported holding above SND.UNA in its SACK blocks, so
// that recovery resends the holes between them instead of one hole per round trip (RFC 6675,
// kept small: the few lowest ranges, which is where the holes worth resending are).
#pragma once

#include "net/tcp/tcp_header.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::tcp {

class SackScoreboard {
public:
    static constexpr size_t capacity = 4;

    // Records blocks that lie within (snd_una, snd_max].
    void add(const SackBlock* blocks, size_t count, uint32_t snd_una, uint32_t snd_max);
    // Forgets what SND.UNA has passed.
    void acknowledge(uint32_t snd_una);
    void clear() { m_count = 0; }
    bool is_empty() const { return m_count == 0; }

    // The first unreported range at or after `from` and below the highest reported byte: data
    // the peer lacks although later data arrived. False when there is none.
    bool next_hole(uint32_t from, uint32_t& start, uint32_t& length) const;

private:
    void insert(SackBlock block);

    SackBlock m_blocks[capacity] = {}; // sorted, disjoint
    size_t m_count = 0;
};

} // namespace kernel::net::tcp
