#include "net/tcp/chunked_buffer.h"

#include "lib/string.h"
#include "lib/utility.h"

namespace kernel::net::tcp {

size_t ChunkedBuffer::append(const void* data, size_t length) {
    auto* bytes = static_cast<const uint8_t*>(data);
    size_t appended = 0;
    while (appended < length) {
        if (!m_tail || m_tail_used == chunk_capacity) {
            auto* chunk = new Chunk;
            if (!chunk)
                break;
            chunk->next = nullptr;
            if (m_tail)
                m_tail->next = chunk;
            else
                m_head = chunk;
            m_tail = chunk;
            m_tail_used = 0;
        }
        size_t piece = min(length - appended, chunk_capacity - m_tail_used);
        memcpy(m_tail->data + m_tail_used, bytes + appended, piece);
        m_tail_used += piece;
        appended += piece;
        m_size += piece;
    }
    return appended;
}

const ChunkedBuffer::Chunk* ChunkedBuffer::locate(size_t offset, size_t& position) const {
    size_t absolute = m_head_offset + offset;
    const Chunk* chunk = m_head;
    while (chunk && absolute >= chunk_capacity) {
        absolute -= chunk_capacity;
        chunk = chunk->next;
    }
    position = absolute;
    return chunk;
}

size_t ChunkedBuffer::copy_out(size_t offset, void* destination, size_t length) const {
    if (offset >= m_size)
        return 0;
    length = min(length, m_size - offset);
    size_t position;
    const Chunk* chunk = locate(offset, position);
    auto* out = static_cast<uint8_t*>(destination);
    size_t copied = 0;
    while (copied < length && chunk) {
        size_t piece = min(length - copied, chunk_capacity - position);
        memcpy(out + copied, chunk->data + position, piece);
        copied += piece;
        position = 0;
        chunk = chunk->next;
    }
    return copied;
}

size_t ChunkedBuffer::describe(size_t offset, size_t length, TransmitFragment* pieces,
                               size_t max_pieces, size_t& covered) const {
    covered = 0;
    if (offset >= m_size)
        return 0;
    length = min(length, m_size - offset);
    size_t position;
    const Chunk* chunk = locate(offset, position);
    size_t count = 0;
    while (covered < length && chunk && count < max_pieces) {
        size_t piece = min(length - covered, chunk_capacity - position);
        pieces[count++] = {chunk->data + position, piece};
        covered += piece;
        position = 0;
        chunk = chunk->next;
    }
    return count;
}

void ChunkedBuffer::consume(size_t length) {
    length = min(length, m_size);
    m_size -= length;
    m_head_offset += length;
    if (m_size == 0) {
        clear();
        return;
    }
    while (m_head_offset >= chunk_capacity) {
        Chunk* next = m_head->next;
        delete m_head;
        m_head = next;
        m_head_offset -= chunk_capacity;
    }
}

void ChunkedBuffer::clear() {
    while (m_head) {
        Chunk* next = m_head->next;
        delete m_head;
        m_head = next;
    }
    m_tail = nullptr;
    m_tail_used = 0;
    m_head_offset = 0;
    m_size = 0;
}

} // namespace kernel::net::tcp
