#include "net/udp/datagram_socket.h"

#include "lib/errno.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "net/udp/udp_layer.h"
#include "net/wildcard_destination.h"

namespace kernel::net {

uint32_t DatagramSocket::poll_events() const {
    uint32_t events = 0;
    if (!m_write_shut)
        events |= poll_event::out | poll_event::write_normal;
    if (!m_queue.is_empty() || m_read_shut)
        events |= poll_event::in | poll_event::read_normal;
    if (m_read_shut)
        events |= poll_event::read_hang_up;
    if (m_error)
        events |= poll_event::error;
    return events;
}

ErrorOr<void> DatagramSocket::check_family(const IpAddress& address, Errno v6_only_error) const {
    if (!address.is_v4())
        return m_ipv6 ? ErrorOr<void>() : ErrorOr<void>(EAFNOSUPPORT);
    if (m_ipv6 && m_options.v6_only)
        return v6_only_error;
    return {};
}

bool DatagramSocket::takes(bool ipv4) const {
    if (!m_ipv6)
        return ipv4;
    if (!ipv4)
        return !m_local.address.is_v4();
    return !m_options.v6_only && (m_local.address.is_v4() || m_local.address.is_any());
}

ErrorOr<void> DatagramSocket::bind(const IpEndpoint& local) {
    if (!m_layer)
        return ENOTCONN;
    TRY(check_family(local.address, EINVAL));
    if (m_bound)
        return EINVAL;
    m_local = TRY(m_layer->claim(*this, local));
    m_bound = true;
    m_port_chosen = local.port != 0;
    m_address_chosen = !local.address.is_any();
    return {};
}

ErrorOr<void> DatagramSocket::bind_automatically() {
    if (m_bound)
        return {};
    m_local = TRY(m_layer->claim(*this, {m_local.address, 0}));
    m_bound = true;
    return {};
}

ErrorOr<void> DatagramSocket::connect(const IpEndpoint& remote) {
    if (!m_layer)
        return ENOTCONN;
    // connect(AF_UNSPEC)'s equivalent: forget the peer, and give back the port and address
    // the program did not bind itself, as __udp_disconnect (the next send binds anew).
    if (remote.address.is_any() && remote.port == 0) {
        m_connected = false;
        if (!m_port_chosen) {
            m_bound = false;
            m_local = {m_address_chosen ? m_local.address : wildcard().address, 0};
        }
        return {};
    }
    // The wildcard means this host.
    IpEndpoint peer{wildcard_destination(remote.address, m_local.address), remote.port};
    TRY(check_family(peer.address, ENETUNREACH));
    TRY(bind_automatically());
    m_remote = peer;
    m_connected = true;
    m_error = 0;
    notify();
    return {};
}

ErrorOr<void> DatagramSocket::shutdown(bool read, bool write) {
    if (!m_connected)
        return ENOTCONN;
    m_read_shut |= read;
    m_write_shut |= write;
    notify();
    return {};
}

ErrorOr<IpEndpoint> DatagramSocket::remote_endpoint() const {
    if (!m_connected)
        return ENOTCONN;
    return m_remote;
}

ErrorOr<size_t> DatagramSocket::path_mtu() const {
    if (!m_connected)
        return ENOTCONN;
    return m_layer->path_mtu_for(m_remote.address);
}

int DatagramSocket::take_error() {
    int error = m_error;
    m_error = 0;
    if (error)
        notify();
    return error;
}

size_t DatagramSocket::readable_bytes() const {
    return m_queue.is_empty() ? 0 : m_queue.first()->length;
}

void DatagramSocket::close() {
    if (m_layer)
        m_layer->forget(*this);
    delete this;
}

ErrorOr<size_t> DatagramSocket::send_to(const void* data, size_t length,
                                        const IpEndpoint* destination) {
    if (!m_layer)
        return ENOTCONN;
    if (m_write_shut)
        return EPIPE;
    // The family's own bound is the layer's to check.
    if (length > udp6_max_payload)
        return EMSGSIZE;
    IpEndpoint to;
    if (destination) {
        // The wildcard means this host.
        to = {wildcard_destination(destination->address, m_local.address), destination->port};
        TRY(check_family(to.address, ENETUNREACH));
    } else if (m_connected)
        to = m_remote;
    else
        return EDESTADDRREQ;
    if (to.port == 0)
        return EINVAL;
    TRY(bind_automatically());
    // A socket bound to one family's address cannot speak the other's.
    if (!m_local.address.is_any() && m_local.address.is_v4() != to.address.is_v4())
        return ENETUNREACH;
    TRY(m_layer->send(m_local, to, data, length, m_options));
    return length;
}

ErrorOr<ReceivedDatagram> DatagramSocket::receive_from(void* data, size_t length, bool peek) {
    PacketBuffer* datagram = m_queue.first();
    if (!datagram) {
        if (m_error)
            return static_cast<Errno>(take_error());
        if (m_read_shut)
            return ReceivedDatagram{0, 0, {}};
        return EAGAIN;
    }
    ReceivedDatagram received{min(length, datagram->length), datagram->length, datagram->from};
    memcpy(data, datagram->data(), received.copied);
    if (!peek) {
        PacketBuffer::destroy(m_queue.take_first());
        notify();
    }
    return received;
}

bool DatagramSocket::deliver(const IpEndpoint& from, const uint8_t* payload, size_t length) {
    if (m_read_shut)
        return true;
    // One datagram always fits an empty queue, whatever SO_RCVBUF says.
    if (!m_queue.is_empty() && m_queue.bytes() + length > m_options.receive_buffer)
        return false;
    PacketBuffer* datagram = PacketBuffer::create(length);
    if (!datagram)
        return false;
    memcpy(datagram->data(), payload, length);
    datagram->from = from;
    m_queue.append(datagram);
    notify();
    return true;
}

void DatagramSocket::report_error(int error) {
    m_error = error;
    notify();
}

} // namespace kernel::net
