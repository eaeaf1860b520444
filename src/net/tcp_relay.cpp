#include "net/tcp_relay.h"

#include "net/proxy_sockets.h"
#include "net/tcp_forwarder.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace ingot {

namespace {

constexpr size_t buffer_size = 64 * 1024;

bool would_block(int error) {
    return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

} // namespace

TcpRelay::TcpRelay(EventLoop& loop, TcpForwarder& owner, OwnedFd client, OwnedFd guest)
    : m_loop(loop), m_owner(owner), m_client(std::move(client)), m_guest(std::move(guest)) {
    m_to_guest.buffer = std::make_unique_for_overwrite<uint8_t[]>(buffer_size);
    m_to_client.buffer = std::make_unique_for_overwrite<uint8_t[]>(buffer_size);
    // The relay forwards what arrives as it arrives; the senders' own Nagle already coalesced
    // it, and a second round of it here would only add latency.
    int on = 1;
    ::setsockopt(m_client.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    ::setsockopt(m_guest.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    m_loop.watch(m_client.get(), EPOLLIN | EPOLLOUT | EPOLLET, &m_client_events);
    m_loop.watch(m_guest.get(), EPOLLIN | EPOLLOUT | EPOLLET, this);
}

void TcpRelay::handle_events(uint32_t events) {
    if (m_finished)
        return;
    if (m_connecting) {
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            return;
        if (pending_error(m_guest.get()) != 0) {
            // Refused or unreachable: the client sees its connection closed.
            finish(false);
            return;
        }
        m_connecting = false;
    } else if ((events & EPOLLERR) && pending_error(m_guest.get()) != 0) {
        finish(true);
        return;
    }
    pump();
}

void TcpRelay::on_client_events(uint32_t events) {
    if (m_finished)
        return;
    if ((events & EPOLLERR) && pending_error(m_client.get()) != 0) {
        finish(true);
        return;
    }
    pump();
}

TcpRelay::Progress TcpRelay::move(Direction& direction, int from, int to) {
    Progress progress = Progress::None;
    for (;;) {
        bool moved = false;
        if (to >= 0 && direction.begin < direction.end) {
            ssize_t n = ::send(to, direction.buffer.get() + direction.begin,
                               direction.end - direction.begin, MSG_NOSIGNAL);
            if (n > 0) {
                direction.begin += static_cast<size_t>(n);
                if (direction.begin == direction.end)
                    direction.begin = direction.end = 0;
                moved = true;
            } else if (n < 0 && !would_block(errno)) {
                return Progress::Failed;
            }
        }
        if (direction.end == buffer_size && direction.begin > 0) {
            std::memmove(direction.buffer.get(), direction.buffer.get() + direction.begin,
                         direction.end - direction.begin);
            direction.end -= direction.begin;
            direction.begin = 0;
        }
        if (!direction.source_ended && direction.end < buffer_size) {
            ssize_t n = ::recv(from, direction.buffer.get() + direction.end,
                               buffer_size - direction.end, 0);
            if (n > 0) {
                direction.end += static_cast<size_t>(n);
                moved = true;
            } else if (n == 0) {
                direction.source_ended = true;
                moved = true;
            } else if (!would_block(errno)) {
                return Progress::Failed;
            }
        }
        if (!moved)
            return progress;
        progress = Progress::Some;
    }
}

void TcpRelay::pump() {
    for (;;) {
        // Until the guest's socket is connected, what the client sends waits in the buffer.
        Progress to_guest = move(m_to_guest, m_client.get(), m_connecting ? -1 : m_guest.get());
        Progress to_client =
            m_connecting ? Progress::None : move(m_to_client, m_guest.get(), m_client.get());
        if (to_guest == Progress::Failed || to_client == Progress::Failed) {
            finish(true);
            return;
        }
        if (to_guest == Progress::None && to_client == Progress::None)
            break;
    }
    if (m_connecting)
        return;
    auto pass_end_on = [](Direction& direction, int target) {
        if (direction.source_ended && direction.begin == direction.end && !direction.shut) {
            ::shutdown(target, SHUT_WR);
            direction.shut = true;
        }
    };
    pass_end_on(m_to_guest, m_guest.get());
    pass_end_on(m_to_client, m_client.get());
    if (m_to_guest.shut && m_to_client.shut)
        finish(false);
}

void TcpRelay::finish(bool reset_both) {
    m_finished = true;
    if (reset_both) {
        // One side reset (or failed): the other learns it as a reset too, not as a clean end.
        linger abort{1, 0};
        ::setsockopt(m_client.get(), SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
        ::setsockopt(m_guest.get(), SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    }
    m_loop.forget(m_client.get());
    m_loop.forget(m_guest.get());
    m_client.reset();
    m_guest.reset();
    m_owner.relay_finished(this);
}

} // namespace ingot
