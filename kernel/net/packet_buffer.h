// A packet's bytes in one heap block, with the little each holder needs to remember about it
// (the datagram's sender for a socket queue, the fragment offset for reassembly, the offload
// owed to a packet waiting for its next hop). Queues are
// singly linked through `next`, so queuing never allocates.
#pragma once

#include "net/address.h"
#include "net/ip_output.h"
#include "net/net_device.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

struct PacketBuffer {
    PacketBuffer* next = nullptr;
    size_t length = 0;
    size_t offset = 0; // reassembly: where the bytes go in the datagram
    IpEndpoint from;   // sockets: the datagram's sender
    // Waiting for address resolution: keeps the checksum (and segmentation) the device is
    // still to do when the packet goes out (none when null), and gives it back then.
    void keep_offload(const ChecksumRequest* request) {
        if (request)
            m_offload = *request;
        m_has_offload = request != nullptr;
    }
    const ChecksumRequest* owed_offload() const { return m_has_offload ? &m_offload : nullptr; }

    uint8_t* data() { return reinterpret_cast<uint8_t*>(this + 1); }
    const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(this + 1); }

    // nullptr when out of memory.
    static PacketBuffer* create(size_t length);
    // A copy of the fragments, one after another.
    static PacketBuffer* create(const TransmitFragment* fragments, size_t count);
    // The same, with the transport checksum `checksum` asked of the device finished here: for
    // a datagram about to be fragmented, which no device sees whole.
    static PacketBuffer* create_checksummed(const TransmitFragment* fragments, size_t count,
                                            const TransportChecksum* checksum);
    static void destroy(PacketBuffer* buffer);

private:
    ChecksumRequest m_offload{0, 0};
    bool m_has_offload = false;
};

// First in, first out, counting packets and bytes so that holders can bound their memory.
class PacketQueue {
public:
    PacketQueue() = default;
    PacketQueue(const PacketQueue&) = delete;
    PacketQueue& operator=(const PacketQueue&) = delete;
    ~PacketQueue() { clear(); }

    bool is_empty() const { return m_head == nullptr; }
    size_t count() const { return m_count; }
    size_t bytes() const { return m_bytes; }
    PacketBuffer* first() const { return m_head; }

    void append(PacketBuffer* buffer);
    PacketBuffer* take_first();
    void clear();

private:
    PacketBuffer* m_head = nullptr;
    PacketBuffer* m_tail = nullptr;
    size_t m_count = 0;
    size_t m_bytes = 0;
};

} // namespace kernel::net
