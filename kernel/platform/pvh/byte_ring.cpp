#include "platform/pvh/byte_ring.h"

#include "lib/string.h"
#include "lib/utility.h"

namespace kernel::pvh {

bool ByteRing::push(uint8_t byte) {
    if (m_size == m_capacity)
        return false;
    size_t tail = m_head + m_size;
    m_storage[tail < m_capacity ? tail : tail - m_capacity] = byte;
    ++m_size;
    return true;
}

size_t ByteRing::pop(uint8_t* buffer, size_t capacity) {
    size_t count = min(capacity, m_size);
    if (count == 0)
        return 0;                                   // the buffer of an empty read may be null
    size_t first = min(count, m_capacity - m_head); // up to the end of the storage
    memcpy(buffer, m_storage + m_head, first);
    memcpy(buffer + first, m_storage, count - first);
    m_head += count;
    if (m_head >= m_capacity)
        m_head -= m_capacity;
    m_size -= count;
    return count;
}

} // namespace kernel::pvh
