// Data that arrived ahead of a hole, kept in sequence order until the hole fills; it also
// describes itself as the SACK blocks the receiver reports (RFC 2018).
#pragma once

#include "lib/intrusive_list.h"
#include "net/tcp/chunked_buffer.h"
#include "net/tcp/tcp_header.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::tcp {

class ReassemblyQueue {
public:
    ReassemblyQueue() = default;
    ~ReassemblyQueue() { clear(); }
    ReassemblyQueue(const ReassemblyQueue&) = delete;
    ReassemblyQueue& operator=(const ReassemblyQueue&) = delete;

    // Keeps the bytes of [start, start + length) not already held, while the total stays
    // within `limit` and the pieces within maximum_pieces; false when something was left out
    // for lack of room or memory.
    bool insert(uint32_t start, const uint8_t* data, size_t length, size_t limit);
    // Moves the bytes that continue the stream at `next` to `out`; returns how many.
    size_t drain(uint32_t next, ChunkedBuffer& out);
    // The held ranges, merged, the one holding the latest arrival first; returns the count.
    size_t sack_blocks(SackBlock* blocks, size_t max_blocks) const;

    // Each piece costs a heap block: a peer sending many one-byte segments past a hole must
    // not make the queue cost far more than its bytes.
    static constexpr size_t maximum_pieces = 256;

    size_t bytes() const { return m_bytes; }
    bool is_empty() const { return m_pieces.is_empty(); }
    void clear();

private:
    struct Piece {
        ListNode node;
        uint32_t start;
        uint32_t length;
        uint32_t end() const { return start + length; }
        uint8_t* data() { return reinterpret_cast<uint8_t*>(this + 1); }
    };
    bool add_piece(ListNode* before, uint32_t start, const uint8_t* data, size_t length,
                   size_t limit);
    void free_piece(Piece& piece);

    mutable IntrusiveList<Piece, &Piece::node> m_pieces;
    size_t m_bytes = 0;
    size_t m_piece_count = 0;
    uint32_t m_latest = 0; // a sequence number of the latest arrival
};

} // namespace kernel::net::tcp
