#include "net/udp_forwarder.h"

#include "net/proxy_sockets.h"

#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace ingot {

namespace {

constexpr size_t datagram_capacity = 65536;
constexpr int batch = 64; // datagrams per event, so that one busy flow cannot starve the rest

// Room for either family's packet information.
constexpr size_t control_capacity = CMSG_SPACE(sizeof(in6_pktinfo));

template <typename T> void append_bytes(std::string& key, const T& value) {
    key.append(reinterpret_cast<const char*>(&value), sizeof value);
}

} // namespace

// A client as one datagram showed it: its address, and the host's address it wrote to, of the
// listener's family (RFC 3542 6.1 for IPv6's; all zero when the kernel gave none).
struct UdpForwarder::Peer {
    sockaddr_storage client{};
    socklen_t client_length = 0;
    in_pktinfo local4{};
    in6_pktinfo local6{};

    // The whole address and port: IPv6 clients are told apart by all 16 bytes (and the scope
    // of a link-local one), never by a part that would make two of them share a flow.
    std::string key() const {
        std::string key;
        if (client.ss_family == AF_INET6) {
            const auto& ipv6 = reinterpret_cast<const sockaddr_in6&>(client);
            append_bytes(key, ipv6.sin6_addr);
            append_bytes(key, ipv6.sin6_port);
            append_bytes(key, ipv6.sin6_scope_id);
        } else {
            const auto& ipv4 = reinterpret_cast<const sockaddr_in&>(client);
            append_bytes(key, ipv4.sin_addr);
            append_bytes(key, ipv4.sin_port);
        }
        return key;
    }
};

class UdpForwarder::Flow final : public EventHandler {
public:
    Flow(UdpForwarder& owner, OwnedFd socket, const Peer& peer)
        : m_owner(owner), m_socket(std::move(socket)), m_peer(peer) {}

    void handle_events(uint32_t) override {
        if (!m_socket)
            return;
        for (int i = 0; i < batch; ++i) {
            ssize_t n = ::recv(m_socket.get(), m_owner.m_datagram.get(), datagram_capacity, 0);
            if (n >= 0) {
                m_owner.answer(*this, m_owner.m_datagram.get(), static_cast<size_t>(n));
                continue;
            }
            // An ICMP error for an earlier datagram (the guest's port closed): the flow stays.
            if (errno != ECONNREFUSED && errno != EINTR)
                return;
        }
    }

    UdpForwarder& m_owner;
    OwnedFd m_socket;
    Peer m_peer;
    Clock::time_point m_last_active = Clock::now();
    Flows::iterator m_position;
};

UdpForwarder::UdpForwarder(EventLoop& loop, OwnedFd listener, GuestEndpoint guest,
                           std::chrono::milliseconds idle_timeout, std::atomic<size_t>& open_flows)
    : m_loop(loop), m_listener(std::move(listener)), m_guest(std::move(guest)),
      m_idle_timeout(idle_timeout), m_open_flows(open_flows),
      m_datagram(std::make_unique_for_overwrite<uint8_t[]>(datagram_capacity)) {
    m_loop.watch(m_listener.get(), EPOLLIN, this);
    m_loop.add_timed_work(this);
}

UdpForwarder::~UdpForwarder() = default;

void UdpForwarder::handle_events(uint32_t) {
    for (int i = 0; i < batch; ++i) {
        Peer peer;
        iovec data{m_datagram.get(), datagram_capacity};
        alignas(cmsghdr) uint8_t control[control_capacity];
        msghdr message{};
        message.msg_name = &peer.client;
        message.msg_namelen = sizeof peer.client;
        message.msg_iov = &data;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        ssize_t n = ::recvmsg(m_listener.get(), &message, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        if ((message.msg_flags & MSG_TRUNC) ||
            (peer.client.ss_family != AF_INET && peer.client.ss_family != AF_INET6))
            continue;
        peer.client_length = message.msg_namelen;
        for (cmsghdr* header = CMSG_FIRSTHDR(&message); header;
             header = CMSG_NXTHDR(&message, header)) {
            if (header->cmsg_level == IPPROTO_IP && header->cmsg_type == IP_PKTINFO)
                std::memcpy(&peer.local4, CMSG_DATA(header), sizeof peer.local4);
            if (header->cmsg_level == IPPROTO_IPV6 && header->cmsg_type == IPV6_PKTINFO)
                std::memcpy(&peer.local6, CMSG_DATA(header), sizeof peer.local6);
        }
        Flow* flow = flow_for(peer);
        if (!flow)
            continue;
        // Dropped when the guest's side is full, as the network would.
        ::send(flow->m_socket.get(), m_datagram.get(), static_cast<size_t>(n), 0);
    }
}

UdpForwarder::Flow* UdpForwarder::flow_for(const Peer& peer) {
    std::string key = peer.key();
    if (auto found = m_flow_by_client.find(key); found != m_flow_by_client.end()) {
        Flow& flow = **found->second;
        flow.m_peer = peer;
        touch(flow);
        return &flow;
    }
    if (m_flows.size() >= max_flows)
        close_flow(m_flows.begin());
    OwnedFd socket = guest_socket(SOCK_DGRAM, m_guest.device);
    if (!socket)
        return nullptr;
    sockaddr_in target = socket_address(m_guest.address, m_guest.port);
    if (::connect(socket.get(), reinterpret_cast<sockaddr*>(&target), sizeof target) < 0)
        return nullptr;
    auto flow = std::make_unique<Flow>(*this, std::move(socket), peer);
    Flow* result = flow.get();
    try {
        m_loop.watch(result->m_socket.get(), EPOLLIN, result);
    } catch (const std::system_error&) {
        return nullptr; // epoll is out of memory: this datagram is dropped
    }
    m_flows.push_back(std::move(flow));
    result->m_position = std::prev(m_flows.end());
    m_flow_by_client.emplace(std::move(key), result->m_position);
    ++m_open_flows;
    return result;
}

void UdpForwarder::answer(Flow& flow, const uint8_t* data, size_t size) {
    Peer& peer = flow.m_peer;
    iovec payload{const_cast<uint8_t*>(data), size};
    alignas(cmsghdr) uint8_t control[control_capacity]{};
    msghdr message{};
    message.msg_name = &peer.client;
    message.msg_namelen = peer.client_length;
    message.msg_iov = &payload;
    message.msg_iovlen = 1;
    // The reply leaves from the address the client wrote to, not one routing would pick.
    bool ipv6 = peer.client.ss_family == AF_INET6;
    bool known = ipv6 ? !IN6_IS_ADDR_UNSPECIFIED(&peer.local6.ipi6_addr)
                      : peer.local4.ipi_spec_dst.s_addr != 0;
    if (known) {
        message.msg_control = control;
        message.msg_controllen =
            ipv6 ? CMSG_SPACE(sizeof(in6_pktinfo)) : CMSG_SPACE(sizeof(in_pktinfo));
        cmsghdr* header = CMSG_FIRSTHDR(&message);
        if (ipv6) {
            header->cmsg_level = IPPROTO_IPV6;
            header->cmsg_type = IPV6_PKTINFO;
            header->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
            std::memcpy(CMSG_DATA(header), &peer.local6, sizeof peer.local6);
        } else {
            header->cmsg_level = IPPROTO_IP;
            header->cmsg_type = IP_PKTINFO;
            header->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
            in_pktinfo info{};
            info.ipi_spec_dst = peer.local4.ipi_spec_dst;
            std::memcpy(CMSG_DATA(header), &info, sizeof info);
        }
    }
    ::sendmsg(m_listener.get(), &message, 0);
    touch(flow);
}

void UdpForwarder::touch(Flow& flow) {
    flow.m_last_active = Clock::now();
    m_flows.splice(m_flows.end(), m_flows, flow.m_position);
}

void UdpForwarder::close_flow(Flows::iterator position) {
    m_flow_by_client.erase((*position)->m_peer.key());
    m_loop.forget((*position)->m_socket.get());
    (*position)->m_socket.reset();
    m_loop.retire(std::move(*position));
    m_flows.erase(position);
    --m_open_flows;
}

Clock::time_point UdpForwarder::next_deadline() const {
    if (m_flows.empty())
        return Clock::time_point::max();
    return m_flows.front()->m_last_active + m_idle_timeout;
}

void UdpForwarder::run_due(Clock::time_point now) {
    while (!m_flows.empty() && m_flows.front()->m_last_active + m_idle_timeout <= now)
        close_flow(m_flows.begin());
}

} // namespace ingot
