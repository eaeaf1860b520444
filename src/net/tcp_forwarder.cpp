#include "net/tcp_forwarder.h"

#include "net/guest_connector.h"
#include "net/proxy_sockets.h"
#include "net/tcp_relay.h"

#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <vector>

namespace ingot {

namespace {

constexpr auto pause_when_out_of_descriptors = std::chrono::milliseconds(100);

bool out_of_resources(int error) {
    return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
}

} // namespace

TcpForwarder::TcpForwarder(EventLoop& loop, OwnedFd listener, GuestEndpoint guest,
                           std::atomic<size_t>& open_connections,
                           std::chrono::milliseconds connect_retry)
    : m_loop(loop), m_listener(std::move(listener)), m_guest(std::move(guest)),
      m_open_connections(open_connections), m_connect_retry(connect_retry) {
    m_loop.watch(m_listener.get(), EPOLLIN, this);
    m_loop.add_timed_work(this);
}

TcpForwarder::~TcpForwarder() = default;

void TcpForwarder::handle_events(uint32_t) {
    if (!m_accepting)
        return; // an event taken before stop_accepting()
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

Clock::time_point TcpForwarder::next_deadline() const {
    Clock::time_point deadline = m_paused_until;
    for (const auto& [key, connector] : m_connectors)
        deadline = std::min(deadline, connector->retry_at());
    return deadline;
}

void TcpForwarder::run_due(Clock::time_point now) {
    if (m_paused_until <= now) {
        if (m_accepting)
            m_loop.change(m_listener.get(), EPOLLIN, this);
        m_paused_until = Clock::time_point::max();
    }
    // attempt() may finish a connector, which erases it: the due ones first.
    std::vector<GuestConnector*> due;
    for (const auto& [key, connector] : m_connectors)
        if (connector->retry_at() <= now)
            due.push_back(key);
    for (GuestConnector* connector : due)
        connector->attempt(now);
}

void TcpForwarder::stop_accepting() {
    if (!m_accepting)
        return;
    m_accepting = false;
    m_loop.forget(m_listener.get());
}

void TcpForwarder::accept_one(int client_fd) {
    OwnedFd client(client_fd);
    m_last_active = Clock::now();
    if (m_connect_retry.count() > 0) {
        auto connector = std::make_unique<GuestConnector>(m_loop, *this, std::move(client), m_guest,
                                                          m_last_active + m_connect_retry);
        GuestConnector* key = connector.get();
        m_connectors.emplace(key, std::move(connector));
        key->attempt(m_last_active);
        return;
    }
    OwnedFd guest = guest_socket(SOCK_STREAM, m_guest.device);
    if (!guest)
        return;
    sockaddr_in target = socket_address(m_guest.address, m_guest.port);
    if (::connect(guest.get(), reinterpret_cast<sockaddr*>(&target), sizeof target) < 0 &&
        errno != EINPROGRESS)
        return;
    start_relay(std::move(client), std::move(guest));
}

void TcpForwarder::start_relay(OwnedFd client, OwnedFd guest) {
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
    m_last_active = Clock::now();
}

void TcpForwarder::connector_finished(GuestConnector* connector, OwnedFd client, OwnedFd guest) {
    auto found = m_connectors.find(connector);
    if (found == m_connectors.end())
        return;
    m_loop.retire(std::move(found->second));
    m_connectors.erase(found);
    m_last_active = Clock::now();
    if (guest)
        start_relay(std::move(client), std::move(guest));
}

} // namespace ingot
