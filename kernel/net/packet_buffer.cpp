#include "net/packet_buffer.h"

#include "lib/string.h"
#include "lib/utility.h"
#include "net/byte_order.h"
#include "net/checksum.h"

namespace kernel::net {

PacketBuffer* PacketBuffer::create(size_t length) {
    auto* memory = new uint8_t[sizeof(PacketBuffer) + length];
    if (!memory)
        return nullptr;
    auto* buffer = new (memory) PacketBuffer;
    buffer->length = length;
    return buffer;
}

PacketBuffer* PacketBuffer::create(const TransmitFragment* fragments, size_t count) {
    size_t length = 0;
    for (size_t i = 0; i < count; ++i)
        length += fragments[i].length;
    PacketBuffer* buffer = create(length);
    if (!buffer)
        return nullptr;
    size_t at = 0;
    for (size_t i = 0; i < count; ++i) {
        memcpy(buffer->data() + at, fragments[i].data, fragments[i].length);
        at += fragments[i].length;
    }
    return buffer;
}

PacketBuffer* PacketBuffer::create_checksummed(const TransmitFragment* fragments, size_t count,
                                               const TransportChecksum* checksum) {
    PacketBuffer* buffer = create(fragments, count);
    if (buffer && checksum && checksum->offset + 2u <= buffer->length)
        store_be16(buffer->data() + checksum->offset,
                   internet_checksum(buffer->data(), buffer->length));
    return buffer;
}

void PacketBuffer::destroy(PacketBuffer* buffer) {
    if (!buffer)
        return;
    buffer->~PacketBuffer();
    delete[] reinterpret_cast<uint8_t*>(buffer);
}

void PacketQueue::append(PacketBuffer* buffer) {
    buffer->next = nullptr;
    if (m_tail)
        m_tail->next = buffer;
    else
        m_head = buffer;
    m_tail = buffer;
    ++m_count;
    m_bytes += buffer->length;
}

PacketBuffer* PacketQueue::take_first() {
    PacketBuffer* buffer = m_head;
    if (!buffer)
        return nullptr;
    m_head = buffer->next;
    if (!m_head)
        m_tail = nullptr;
    buffer->next = nullptr;
    --m_count;
    m_bytes -= buffer->length;
    return buffer;
}

void PacketQueue::clear() {
    while (PacketBuffer* buffer = take_first())
        PacketBuffer::destroy(buffer);
}

} // namespace kernel::net
