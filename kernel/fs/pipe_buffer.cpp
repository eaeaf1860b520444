#include "fs/pipe_buffer.h"

#include "lib/string.h"
#include "lib/utility.h"

namespace kernel {

size_t PipeBuffer::write(const void* data, size_t length) {
    size_t count = min(length, free_space());
    size_t tail = (m_head + m_size) % m_capacity;
    size_t first = min(count, m_capacity - tail);
    const auto* bytes = static_cast<const uint8_t*>(data);
    memcpy(m_storage + tail, bytes, first);
    memcpy(m_storage, bytes + first, count - first);
    m_size += count;
    return count;
}

size_t PipeBuffer::read(void* data, size_t length) {
    size_t count = min(length, m_size);
    size_t first = min(count, m_capacity - m_head);
    auto* bytes = static_cast<uint8_t*>(data);
    memcpy(bytes, m_storage + m_head, first);
    memcpy(bytes + first, m_storage, count - first);
    m_head = (m_head + count) % m_capacity;
    m_size -= count;
    return count;
}

} // namespace kernel
