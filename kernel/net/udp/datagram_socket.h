// A UDP socket: its binding and default peer, and a queue of received datagrams bounded by
// SO_RCVBUF. Each datagram's payload is copied once, from the frame into the queue.
#pragma once

#include "lib/intrusive_list.h"
#include "net/packet_buffer.h"
#include "net/socket.h"

namespace kernel::net {

class UdpLayer;

class DatagramSocket final : public UdpSocket {
public:
    explicit DatagramSocket(UdpLayer& layer) : m_layer(&layer) {}

    // Socket
    uint32_t poll_events() const override;
    ErrorOr<void> bind(Ipv4Endpoint local) override;
    ErrorOr<void> connect(Ipv4Endpoint remote) override;
    ErrorOr<void> shutdown(bool read, bool write) override;
    Ipv4Endpoint local_endpoint() const override { return m_local; }
    ErrorOr<Ipv4Endpoint> remote_endpoint() const override;
    int take_error() override;
    size_t readable_bytes() const override;
    void close() override;

    // UdpSocket
    ErrorOr<size_t> send_to(const void* data, size_t length,
                            const Ipv4Endpoint* destination) override;
    ErrorOr<ReceivedDatagram> receive_from(void* data, size_t length, bool peek) override;

    // For the UDP layer.
    bool is_bound() const { return m_bound; }
    bool is_connected() const { return m_connected; }
    Ipv4Endpoint remote() const { return m_remote; }
    // Queues a received datagram unless the receive buffer is full; false when dropped.
    bool deliver(Ipv4Endpoint from, const uint8_t* payload, size_t length);
    void report_error(int error);
    void detach() { m_layer = nullptr; }

    ListNode layer_node;

private:
    void notify() { m_readiness.notify(poll_events()); }

    UdpLayer* m_layer;
    Ipv4Endpoint m_local;
    Ipv4Endpoint m_remote;
    bool m_bound = false;
    bool m_connected = false;
    bool m_read_shut = false;
    bool m_write_shut = false;
    int m_error = 0;
    PacketQueue m_queue;
};

} // namespace kernel::net
