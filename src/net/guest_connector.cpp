#include "net/guest_connector.h"

#include "net/proxy_sockets.h"

#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <system_error>

namespace ingot {

namespace {

// Short against a boot (tens of milliseconds on hvt), long against the proxy's own work.
constexpr auto retry_interval = std::chrono::milliseconds(10);

} // namespace

GuestConnector::GuestConnector(EventLoop& loop, TcpForwarder& owner, OwnedFd client,
                               GuestEndpoint guest, Clock::time_point give_up_at)
    : m_loop(loop), m_owner(owner), m_client(std::move(client)), m_endpoint(std::move(guest)),
      m_give_up_at(give_up_at) {}

GuestConnector::~GuestConnector() {
    if (m_guest)
        m_loop.forget(m_guest.get());
}

void GuestConnector::attempt(Clock::time_point now) {
    m_retry_at = Clock::time_point::max();
    m_guest = guest_socket(SOCK_STREAM, m_endpoint.device);
    if (!m_guest) {
        wait_or_give_up(now); // out of descriptors for now
        return;
    }
    sockaddr_in target = socket_address(m_endpoint.address, m_endpoint.port);
    if (::connect(m_guest.get(), reinterpret_cast<sockaddr*>(&target), sizeof target) < 0 &&
        errno != EINPROGRESS) {
        m_guest = OwnedFd();
        wait_or_give_up(now);
        return;
    }
    try {
        m_loop.watch(m_guest.get(), EPOLLOUT, this);
    } catch (const std::system_error&) {
        m_guest = OwnedFd();
        m_owner.connector_finished(this, {}, {});
    }
}

void GuestConnector::handle_events(uint32_t events) {
    if (!m_guest || !(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
        return;
    m_loop.forget(m_guest.get());
    if (pending_error(m_guest.get()) == 0) {
        m_owner.connector_finished(this, std::move(m_client), std::move(m_guest));
        return;
    }
    // Refused (the program does not listen yet) or unreachable (the guest does not answer ARP
    // yet): a new socket, since a failed connect leaves one unusable (connect(2)).
    m_guest = OwnedFd();
    wait_or_give_up(Clock::now());
}

void GuestConnector::wait_or_give_up(Clock::time_point now) {
    if (now + retry_interval < m_give_up_at)
        m_retry_at = now + retry_interval;
    else
        m_owner.connector_finished(this, {}, {}); // the client sees its connection closed
}

} // namespace ingot
