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

uint64_t client_key(const sockaddr_in& client) {
    return uint64_t{client.sin_addr.s_addr} << 16 | client.sin_port;
}

} // namespace

class UdpForwarder::Flow final : public EventHandler {
public:
    Flow(UdpForwarder& owner, OwnedFd socket, const sockaddr_in& client, in_addr local)
        : m_owner(owner), m_socket(std::move(socket)), m_client(client), m_local(local) {}

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
    sockaddr_in m_client;
    in_addr m_local;
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
        sockaddr_in client{};
        iovec data{m_datagram.get(), datagram_capacity};
        alignas(cmsghdr) uint8_t control[CMSG_SPACE(sizeof(in_pktinfo))];
        msghdr message{};
        message.msg_name = &client;
        message.msg_namelen = sizeof client;
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
        if ((message.msg_flags & MSG_TRUNC) || client.sin_family != AF_INET)
            continue;
        in_addr local{};
        for (cmsghdr* header = CMSG_FIRSTHDR(&message); header;
             header = CMSG_NXTHDR(&message, header))
            if (header->cmsg_level == IPPROTO_IP && header->cmsg_type == IP_PKTINFO) {
                in_pktinfo info;
                std::memcpy(&info, CMSG_DATA(header), sizeof info);
                local = info.ipi_spec_dst;
            }
        Flow* flow = flow_for(client, local);
        if (!flow)
            continue;
        // Dropped when the guest's side is full, as the network would.
        ::send(flow->m_socket.get(), m_datagram.get(), static_cast<size_t>(n), 0);
    }
}

UdpForwarder::Flow* UdpForwarder::flow_for(const sockaddr_in& client, in_addr local) {
    if (auto found = m_flow_by_client.find(client_key(client)); found != m_flow_by_client.end()) {
        Flow& flow = **found->second;
        flow.m_local = local;
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
    auto flow = std::make_unique<Flow>(*this, std::move(socket), client, local);
    Flow* result = flow.get();
    try {
        m_loop.watch(result->m_socket.get(), EPOLLIN, result);
    } catch (const std::system_error&) {
        return nullptr; // epoll is out of memory: this datagram is dropped
    }
    m_flows.push_back(std::move(flow));
    result->m_position = std::prev(m_flows.end());
    m_flow_by_client.emplace(client_key(client), result->m_position);
    ++m_open_flows;
    return result;
}

void UdpForwarder::answer(Flow& flow, const uint8_t* data, size_t size) {
    iovec payload{const_cast<uint8_t*>(data), size};
    alignas(cmsghdr) uint8_t control[CMSG_SPACE(sizeof(in_pktinfo))]{};
    msghdr message{};
    message.msg_name = &flow.m_client;
    message.msg_namelen = sizeof flow.m_client;
    message.msg_iov = &payload;
    message.msg_iovlen = 1;
    if (flow.m_local.s_addr != 0) {
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        cmsghdr* header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = IPPROTO_IP;
        header->cmsg_type = IP_PKTINFO;
        header->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
        in_pktinfo info{};
        info.ipi_spec_dst = flow.m_local;
        std::memcpy(CMSG_DATA(header), &info, sizeof info);
    }
    ::sendmsg(m_listener.get(), &message, 0);
    touch(flow);
}

void UdpForwarder::touch(Flow& flow) {
    flow.m_last_active = Clock::now();
    m_flows.splice(m_flows.end(), m_flows, flow.m_position);
}

void UdpForwarder::close_flow(Flows::iterator position) {
    m_flow_by_client.erase(client_key((*position)->m_client));
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
