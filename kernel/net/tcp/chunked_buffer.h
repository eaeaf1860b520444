// A byte queue kept in fixed-size chunks taken from the heap only while they hold bytes, so an
// idle connection's send and receive buffers cost nothing. The owner bounds the size.
#pragma once

#include "net/net_device.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::tcp {

class ChunkedBuffer {
public:
    ChunkedBuffer() = default;
    ~ChunkedBuffer() { clear(); }
    ChunkedBuffer(const ChunkedBuffer&) = delete;
    ChunkedBuffer& operator=(const ChunkedBuffer&) = delete;

    size_t size() const { return m_size; }
    bool is_empty() const { return m_size == 0; }

    // Appends what memory allows; returns the bytes appended.
    size_t append(const void* data, size_t length);
    // Copies up to `length` bytes starting `offset` bytes in; returns the bytes copied.
    size_t copy_out(size_t offset, void* destination, size_t length) const;
    // Describes [offset, offset + length) as pieces pointing into the chunks, at most
    // `max_pieces`; returns the pieces used and sets `covered` to the bytes they hold.
    size_t describe(size_t offset, size_t length, TransmitFragment* pieces, size_t max_pieces,
                    size_t& covered) const;
    // Drops the first `length` bytes.
    void consume(size_t length);
    void clear();

    // Data bytes per chunk: a chunk and the heap's header fill one 2 KiB block.
    static constexpr size_t chunk_capacity = 2048 - 16 - sizeof(void*);

private:
    struct Chunk {
        Chunk* next;
        uint8_t data[chunk_capacity];
    };
    // The chunk holding byte `offset` (from the queue's start) and the position within it.
    const Chunk* locate(size_t offset, size_t& position) const;

    Chunk* m_head = nullptr;
    Chunk* m_tail = nullptr;
    size_t m_head_offset = 0; // first live byte within m_head
    size_t m_tail_used = 0;   // bytes written into m_tail
    size_t m_size = 0;
};

} // namespace kernel::net::tcp
