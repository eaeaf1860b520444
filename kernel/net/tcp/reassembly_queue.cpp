#include "net/tcp/reassembly_queue.h"

#include "lib/string.h"
#include "lib/utility.h"
#include "net/tcp/sequence.h"

namespace kernel::net::tcp {

bool ReassemblyQueue::add_piece(ListNode* before, uint32_t start, const uint8_t* data,
                                size_t length, size_t limit) {
    if (m_bytes + length > limit || m_piece_count >= maximum_pieces)
        return false;
    auto* storage = new uint8_t[sizeof(Piece) + length];
    if (!storage)
        return false;
    auto* piece = new (storage) Piece{{}, start, static_cast<uint32_t>(length)};
    memcpy(piece->data(), data, length);
    if (before)
        m_pieces.insert_before(*before, *piece);
    else
        m_pieces.append(*piece);
    m_bytes += length;
    ++m_piece_count;
    return true;
}

void ReassemblyQueue::free_piece(Piece& piece) {
    IntrusiveList<Piece, &Piece::node>::remove(piece);
    --m_piece_count;
    piece.~Piece();
    delete[] reinterpret_cast<uint8_t*>(&piece);
}

bool ReassemblyQueue::insert(uint32_t start, const uint8_t* data, size_t length, size_t limit) {
    if (length == 0)
        return true;
    m_latest = start;
    uint32_t end = start + static_cast<uint32_t>(length);
    uint32_t cursor = start;
    for (auto& piece : m_pieces) {
        if (sequence_less_equal(piece.end(), cursor))
            continue;
        if (sequence_greater_equal(piece.start, end))
            return add_piece(&piece.node, cursor, data + (cursor - start), end - cursor, limit);
        if (sequence_greater(piece.start, cursor)) {
            if (!add_piece(&piece.node, cursor, data + (cursor - start), piece.start - cursor,
                           limit))
                return false;
        }
        cursor = piece.end();
        if (sequence_greater_equal(cursor, end))
            return true;
    }
    return add_piece(nullptr, cursor, data + (cursor - start), end - cursor, limit);
}

size_t ReassemblyQueue::drain(uint32_t next, ChunkedBuffer& out) {
    size_t moved = 0;
    while (Piece* piece = m_pieces.first()) {
        if (sequence_greater(piece->start, next))
            break;
        if (sequence_greater(piece->end(), next)) {
            uint32_t skip = next - piece->start;
            size_t wanted = piece->length - skip;
            size_t appended = out.append(piece->data() + skip, wanted);
            moved += appended;
            next += static_cast<uint32_t>(appended);
            if (appended < wanted)
                break; // out of memory: the rest stays queued
        }
        m_bytes -= piece->length;
        free_piece(*piece);
    }
    return moved;
}

size_t ReassemblyQueue::sack_blocks(SackBlock* blocks, size_t max_blocks) const {
    if (max_blocks == 0)
        return 0;
    // Merged ranges in order; the one holding m_latest is moved to the front.
    size_t count = 0;
    bool latest_placed = false;
    SackBlock current = {};
    bool open = false;
    auto flush = [&] {
        bool holds_latest = sequence_in_range(m_latest, current.start, current.end);
        if (holds_latest && !latest_placed) {
            size_t keep = min(count, max_blocks - 1);
            for (size_t index = keep; index > 0; --index)
                blocks[index] = blocks[index - 1];
            blocks[0] = current;
            count = keep + 1;
            latest_placed = true;
        } else if (count < max_blocks) {
            blocks[count++] = current;
        }
    };
    for (auto& piece : m_pieces) {
        if (open && piece.start == current.end) {
            current.end = piece.end();
            continue;
        }
        if (open)
            flush();
        current = {piece.start, piece.end()};
        open = true;
    }
    if (open)
        flush();
    return count;
}

void ReassemblyQueue::clear() {
    while (Piece* piece = m_pieces.first())
        free_piece(*piece);
    m_bytes = 0;
}

} // namespace kernel::net::tcp
