#include "net/tcp_forwarder.h"

#include "net/proxy_sockets.h"
#include "net/tcp_relay.h"

#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <system_error>

namespace ingot {

namespace {

constexpr auto pause_when_out_of_descriptors = std::chrono::milliseconds(100);

bool out_of_resources(int error) {
    return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
}

} // namespace

TcpForwarder::TcpForwarder(EventLoop& loop, OwnedFd listener, GuestEndpoint guest,
                           std::atomic<size_t>& open_connections)
    : m_loop(loop), m_listener(std::move(listener)), m_guest(std::move(guest)),
      m_open_connections(open_connections) {
    m_loop.watch(m_listener.get(), EPOLLIN, this);
    m_loop.add_timed_work(this);
}

TcpForwarder::~TcpForwarder() = default;

void TcpForwarder::handle_events(uint32_t) {
    // A bounded batch, so that one busy port cannot starve the others.
    for (int i = 0; i < 64; ++i) {
        int client = ::accept4(m_listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (client >= 0) {
            accept_one(client);
            continue;
        }
        if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
            continue;
        if (out_of_resources(errno)) {
            m_loop.change(m_listener.get(), 0, this);
            m_paused_until = Clock::now() + pause_when_out_of_descriptors;
        }
        return;
    }
}

void TcpForwarder::run_due(Clock::time_point) {
    m_loop.change(m_listener.get(), EPOLLIN, this);
    m_paused_until = Clock::time_point::max();
}

void TcpForwarder::accept_one(int client_fd) {
    OwnedFd client(client_fd);
    OwnedFd guest = guest_socket(SOCK_STREAM, m_guest.device);
    if (!guest)
        return;
    sockaddr_in target = socket_address(m_guest.address, m_guest.port);
    if (::connect(guest.get(), reinterpret_cast<sockaddr*>(&target), sizeof target) < 0 &&
        errno != EINPROGRESS)
        return;
    try {
        auto relay = std::make_unique<TcpRelay>(m_loop, *this, std::move(client), std::move(guest));
        TcpRelay* key = relay.get();
        m_relays.emplace(key, std::move(relay));
        ++m_open_connections;
    } catch (const std::system_error&) {
        // epoll could not take the sockets (out of memory): this client is closed.
    }
}

void TcpForwarder::relay_finished(TcpRelay* relay) {
    auto found = m_relays.find(relay);
    if (found == m_relays.end())
        return;
    m_loop.retire(std::move(found->second));
    m_relays.erase(found);
    --m_open_connections;
}

} // namespace ingot
