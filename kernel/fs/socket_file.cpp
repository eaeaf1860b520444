#include "fs/socket_file.h"

#include "fs/file_wait.h"
#include "fs/socket_identity.h"
#include "fs/socket_option_values.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "linux/interface_ioctl.h"
#include "mm/kmalloc.h"
#include "mm/user_memory.h"
#include "net/interface_requests.h"
#include "net/ipv6_header.h"
#include "net/network.h"
#include "net/socket_address.h"
#include "time/clock.h"

#include <ingot/abi/memory_layout.h>

namespace kernel {

namespace {

constexpr uint32_t fionread = 0x541b;
constexpr size_t max_datagram = 65535;

constexpr int sol_socket = 1;
constexpr int ipproto_tcp = 6;
constexpr int ipproto_udp = 17;
constexpr int ipproto_ip = 0, ipproto_ipv6 = 41;
constexpr int ip_mtu_discover = 10, ip_mtu = 14;
constexpr int ipv6_mtu_discover = 23, ipv6_mtu = 24, ipv6_v6only = 26, ipv6_dontfrag = 62;

constexpr int so_reuseaddr = 2, so_type = 3, so_error = 4, so_broadcast = 6, so_sndbuf = 7,
              so_rcvbuf = 8, so_keepalive = 9, so_linger = 13, so_reuseport = 15, so_rcvtimeo = 20,
              so_sndtimeo = 21, so_acceptconn = 30, so_protocol = 38, so_domain = 39;
constexpr int tcp_nodelay = 1, tcp_cork = 3, tcp_keepidle = 4, tcp_keepintvl = 5, tcp_keepcnt = 6,
              tcp_info = 11, tcp_congestion = 13, tcp_user_timeout = 18, tcp_fastopen = 23;

// Linux's bounds on SO_RCVBUF/SO_SNDBUF requests (before it doubles them).
constexpr uint32_t min_buffer = 2048;
constexpr uint32_t max_buffer = 4 * 1024 * 1024;

} // namespace

using socket_option::int_value;
using socket_option::put_int;
using socket_option::put_timeout;
using socket_option::timeout_value;

ErrorOr<SocketFile*> SocketFile::create(Type type, bool ipv6) {
    net::Socket* socket = nullptr;
    if (net::NetworkStack* stack = network_stack()) {
        socket = type == Type::Stream ? static_cast<net::Socket*>(stack->create_tcp_socket(ipv6))
                                      : static_cast<net::Socket*>(stack->create_udp_socket(ipv6));
        if (!socket)
            return ENOMEM;
    }
    auto* file = new SocketFile(type, ipv6, socket);
    if (!file) {
        if (socket)
            socket->close();
        return ENOMEM;
    }
    return file;
}

SocketFile::SocketFile(Type type, bool ipv6, net::Socket* socket)
    : m_type(type), m_ipv6(ipv6), m_socket(socket) {
    if (m_socket)
        m_socket->set_file_inode(socket_inode(this));
}

SocketFile::~SocketFile() {
    // Observers (epoll registrations) were let go when the last reference went.
    if (!m_socket)
        return;
    linger_before_close();
    m_socket->set_file_inode(0);
    m_socket->close();
}

// SO_LINGER with a timeout (socket(7)): a blocking close sends what is queued and the FIN,
// and returns once the peer has acknowledged them or the time has passed; the connection
// goes on in the background either way. A non-blocking socket does not wait, as on Linux.
void SocketFile::linger_before_close() {
    net::TcpSocket* socket = tcp();
    const net::SocketOptions& settings = options();
    if (!socket || !settings.linger || settings.linger_seconds == 0 || is_nonblocking())
        return;
    // Unread data makes close reset the connection (RFC 2525 2.17): nothing to wait for.
    if (socket->readable_bytes() != 0 || socket->shutdown(false, true).is_error())
        return;
    uint64_t deadline = clock::monotonic_ns() + uint64_t(settings.linger_seconds) * 1'000'000'000;
    ThreadWakeObserver observer(*scheduler::current());
    ReadinessSubscription subscription(&socket->readiness(), observer);
    scheduler::OutsideWait outside; // the peer's ACKs must come in while this thread waits
    while (socket->has_undelivered_output()) {
        scheduler::poll_devices();
        if (!socket->has_undelivered_output())
            break;
        if (scheduler::block(nullptr, deadline) != WakeReason::Woken)
            break; // the time passed, or a signal: close returns, the FIN goes on
    }
}

net::TcpSocket* SocketFile::tcp() const {
    return m_type == Type::Stream ? static_cast<net::TcpSocket*>(m_socket) : nullptr;
}

net::UdpSocket* SocketFile::udp() const {
    return m_type == Type::Datagram ? static_cast<net::UdpSocket*>(m_socket) : nullptr;
}

net::SocketOptions& SocketFile::options() {
    return m_socket ? m_socket->options() : m_detached_options;
}

bool SocketFile::waits(int flags) const {
    return !is_nonblocking() && !(flags & message_flag::dont_wait);
}

ErrorOr<void> SocketFile::wait_for(uint32_t events, uint64_t timeout_ns) {
    uint64_t deadline = scheduler::no_deadline;
    if (timeout_ns) {
        deadline = clock::monotonic_ns() + timeout_ns;
        deadline = deadline ? deadline : 1;
    }
    scheduler::OutsideWait outside; // a peer may connect, send or answer
    auto waited = wait_for_file_events(*this, events, deadline);
    if (waited.is_error())
        return waited.error().code() == ETIMEDOUT ? EAGAIN : waited.error().code();
    return {};
}

// While a thread waits, another may unmap the program's buffer it was given: a buffer in the
// program's half is checked again after every wait, before the next copy, or the copy would
// fault in the kernel (Linux's copy gives EFAULT). Kernel bounce buffers need nothing.
ErrorOr<void> SocketFile::still_accessible(const void* data, size_t length, Access access) {
    auto address = reinterpret_cast<uint64_t>(data);
    if (address >= abi::user_space_end)
        return {};
    TRY(user_range(address, length, access));
    return {};
}

uint32_t SocketFile::poll_events() {
    if (m_socket)
        return m_socket->poll_events();
    // As Linux: an unconnected TCP socket is hung up, a UDP one can always send.
    if (m_type == Type::Datagram)
        return poll_event::out | poll_event::write_normal;
    return m_listening ? 0 : poll_event::hang_up;
}

Readiness* SocketFile::readiness() {
    return m_socket ? &m_socket->readiness() : nullptr;
}

ErrorOr<void> SocketFile::bind(net::IpEndpoint local) {
    if (m_socket)
        return m_socket->bind(local);
    if (m_detached_local != net::IpEndpoint{})
        return EINVAL;
    m_detached_local = local;
    return {};
}

ErrorOr<void> SocketFile::listen(int backlog) {
    if (m_type != Type::Stream)
        return ENOTSUP;
    if (m_socket)
        TRY(tcp()->listen(backlog));
    m_listening = true;
    return {};
}

ErrorOr<SocketFile*> SocketFile::accept(bool nonblocking) {
    if (m_type != Type::Stream)
        return ENOTSUP;
    if (!m_listening)
        return EINVAL;
    auto take_connection = [&]() -> ErrorOr<net::TcpSocket*> {
        if (!m_socket)
            return EAGAIN;
        return tcp()->accept();
    };
    for (bool polled = false;;) {
        auto accepted = take_connection();
        if (!accepted.is_error()) {
            auto* file = new SocketFile(Type::Stream, m_ipv6, accepted.value());
            if (!file) {
                accepted.value()->close();
                return ENOMEM;
            }
            if (nonblocking)
                file->set_status_flags(o_nonblock);
            return file;
        }
        if (!would_block(accepted))
            return accepted.error();
        if (!waits(0)) {
            if (polled)
                return EAGAIN;
            scheduler::poll_devices();
            polled = true;
            continue;
        }
        TRY(wait_for(poll_event::in, m_receive_timeout_ns));
    }
}

ErrorOr<void> SocketFile::connect(net::IpEndpoint remote) {
    if (!m_socket)
        return ENETUNREACH;
    auto started = m_socket->connect(remote);
    if (!started.is_error() || started.error().code() != EINPROGRESS)
        return started;
    if (!waits(0))
        return EINPROGRESS;
    auto waited = wait_for(poll_event::out, m_send_timeout_ns);
    if (waited.is_error()) // the handshake goes on; SO_SNDTIMEO ends the wait as Linux does
        return would_block(waited) ? EINPROGRESS : waited.error().code();
    if (int error = m_socket->take_error())
        return static_cast<Errno>(error);
    return {};
}

ErrorOr<void> SocketFile::disconnect() {
    m_listening = false;
    if (m_socket) {
        m_socket = TRY(tcp()->disconnect());
        m_socket->set_file_inode(socket_inode(this));
    }
    return {};
}

ErrorOr<void> SocketFile::shutdown(int how) {
    if (how < 0 || how > 2)
        return EINVAL;
    if (!m_socket)
        return ENOTCONN;
    return m_socket->shutdown(how != 1, how != 0);
}

net::IpEndpoint SocketFile::local_endpoint() const {
    return m_socket ? m_socket->local_endpoint() : m_detached_local;
}

ErrorOr<net::IpEndpoint> SocketFile::remote_endpoint() const {
    if (!m_socket)
        return ENOTCONN;
    return m_socket->remote_endpoint();
}

ErrorOr<size_t> SocketFile::send(const void* data, size_t length, int flags,
                                 const net::IpEndpoint* destination) {
    if (!m_socket)
        return ENETUNREACH;
    if (m_type == Type::Stream)
        return send_stream(static_cast<const uint8_t*>(data), length, flags);
    for (bool polled = false;;) {
        auto sent = udp()->send_to(data, length, destination);
        if (!would_block(sent))
            return sent;
        if (!waits(flags)) {
            if (polled)
                return sent;
            scheduler::poll_devices();
            polled = true;
            continue;
        }
        TRY(wait_for(poll_event::out, m_send_timeout_ns));
        TRY(still_accessible(data, length, Access::Read));
    }
}

// A blocking stream send returns once all of it is in the send buffer, or what got there
// before a signal or an error.
ErrorOr<size_t> SocketFile::send_stream(const uint8_t* data, size_t length, int flags) {
    size_t done = 0;
    bool polled = false;
    while (done < length || length == 0) {
        auto sent = tcp()->send(data + done, length - done, (flags & message_flag::more) != 0);
        if (!sent.is_error()) {
            done += sent.value();
            if (length == 0)
                break;
            polled = false;
            continue;
        }
        if (!would_block(sent))
            return done ? ErrorOr<size_t>(done) : sent.error();
        if (!waits(flags)) {
            if (done || polled)
                return done ? ErrorOr<size_t>(done) : sent.error();
            scheduler::poll_devices();
            polled = true;
            continue;
        }
        auto waited = wait_for(poll_event::out, m_send_timeout_ns);
        if (waited.is_error())
            return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(waited.error());
        auto accessible = still_accessible(data + done, length - done, Access::Read);
        if (accessible.is_error())
            return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(accessible.error());
    }
    return done;
}

ErrorOr<SocketReceipt> SocketFile::receive(void* data, size_t length, int flags) {
    if (m_type == Type::Stream) {
        if (!m_socket)
            return ENOTCONN;
        return receive_stream(static_cast<uint8_t*>(data), length, flags);
    }
    bool peek = flags & message_flag::peek;
    for (bool polled = false;;) {
        if (m_socket) {
            auto received = udp()->receive_from(data, length, peek);
            if (!received.is_error()) {
                auto& datagram = received.value();
                return SocketReceipt{datagram.copied, datagram.full_length, datagram.from};
            }
            if (!would_block(received))
                return received.error();
        }
        if (!waits(flags)) {
            if (polled)
                return EAGAIN;
            scheduler::poll_devices();
            polled = true;
            continue;
        }
        TRY(wait_for(poll_event::in, m_receive_timeout_ns));
        TRY(still_accessible(data, length, Access::Write));
    }
}

// MSG_WAITALL waits for all of `length` (or the end of the stream, an error, a signal);
// otherwise whatever is there is returned at once.
ErrorOr<SocketReceipt> SocketFile::receive_stream(uint8_t* data, size_t length, int flags) {
    bool peek = flags & message_flag::peek;
    bool wait_all = (flags & message_flag::wait_all) && !peek;
    size_t done = 0;
    bool polled = false;
    auto receipt = [&](size_t count) -> ErrorOr<SocketReceipt> {
        return SocketReceipt{count, count, {}};
    };
    for (;;) {
        auto received = tcp()->receive(data + done, length - done, peek);
        if (!received.is_error()) {
            done += received.value();
            if (received.value() == 0 || done == length || !wait_all)
                return receipt(done);
            polled = false;
            continue;
        }
        if (!would_block(received))
            return done ? receipt(done) : received.error();
        if (!waits(flags)) {
            if (done || polled)
                return done ? receipt(done) : received.error();
            scheduler::poll_devices();
            polled = true;
            continue;
        }
        auto waited = wait_for(poll_event::in, m_receive_timeout_ns);
        if (waited.is_error())
            return done ? receipt(done) : waited.error();
        auto accessible = still_accessible(data + done, length - done, Access::Write);
        if (accessible.is_error())
            return done ? receipt(done) : accessible.error();
    }
}

namespace {

// One buffer for a datagram that must go or come whole; freed with it.
struct Bounce {
    explicit Bounce(size_t size) : bytes(static_cast<uint8_t*>(kmalloc(size ? size : 1))) {}
    ~Bounce() { kfree(bytes); }
    Bounce(const Bounce&) = delete;
    Bounce& operator=(const Bounce&) = delete;
    uint8_t* bytes;
};

} // namespace

ErrorOr<size_t> SocketFile::send_vectors(const IoVectors& vectors, int flags,
                                         const net::IpEndpoint* destination) {
    if (m_type == Type::Stream) {
        size_t done = 0;
        for (size_t i = 0; i < vectors.count; ++i) {
            const IoVector& vector = vectors.vectors[i];
            if (!vector.length)
                continue;
            auto sent =
                send(reinterpret_cast<const void*>(vector.base), vector.length, flags, nullptr);
            if (sent.is_error())
                return done ? ErrorOr<size_t>(done) : sent.error();
            done += sent.value();
            if (sent.value() < vector.length)
                break;
        }
        return done;
    }
    if (vectors.total > max_datagram)
        return EMSGSIZE;
    Bounce bounce(vectors.total);
    if (!bounce.bytes)
        return ENOMEM;
    size_t offset = 0;
    for (size_t i = 0; i < vectors.count; ++i) {
        memcpy(bounce.bytes + offset, reinterpret_cast<const void*>(vectors.vectors[i].base),
               vectors.vectors[i].length);
        offset += vectors.vectors[i].length;
    }
    return send(bounce.bytes, vectors.total, flags, destination);
}

ErrorOr<SocketReceipt> SocketFile::receive_vectors(const IoVectors& vectors, int flags) {
    if (m_type == Type::Stream) {
        size_t done = 0;
        for (size_t i = 0; i < vectors.count; ++i) {
            const IoVector& vector = vectors.vectors[i];
            if (!vector.length)
                continue;
            // Only the first buffer may wait, unless all of it was asked for.
            int call_flags = flags;
            if (done && !(flags & message_flag::wait_all))
                call_flags |= message_flag::dont_wait;
            auto received =
                receive(reinterpret_cast<void*>(vector.base), vector.length, call_flags);
            if (received.is_error()) {
                if (done)
                    break;
                return received.error();
            }
            done += received.value().copied;
            // A peek would see the same bytes again in the next buffer.
            if (received.value().copied < vector.length || (flags & message_flag::peek))
                break;
        }
        return SocketReceipt{done, done, {}};
    }
    size_t room = min(vectors.total, max_datagram);
    Bounce bounce(room);
    if (!bounce.bytes)
        return ENOMEM;
    auto receipt = TRY(receive(bounce.bytes, room, flags));
    size_t offset = 0;
    for (size_t i = 0; i < vectors.count && offset < receipt.copied; ++i) {
        size_t chunk = min<size_t>(vectors.vectors[i].length, receipt.copied - offset);
        memcpy(reinterpret_cast<void*>(vectors.vectors[i].base), bounce.bytes + offset, chunk);
        offset += chunk;
    }
    return receipt;
}

ErrorOr<size_t> SocketFile::read(uint64_t user_buffer, size_t length) {
    void* buffer = TRY(user_range(user_buffer, length, Access::Write));
    auto received = TRY(receive(buffer, length, 0));
    return received.copied;
}

ErrorOr<size_t> SocketFile::write(uint64_t user_buffer, size_t length) {
    const void* buffer = TRY(user_range(user_buffer, length, Access::Read));
    return send(buffer, length, 0, nullptr);
}

size_t SocketFile::describe(char* buffer, size_t capacity) {
    return describe_socket(buffer, capacity, this);
}

ErrorOr<void> SocketFile::stat(LinuxStat& stat) {
    socket_stat(stat, this);
    return {};
}

ErrorOr<long> SocketFile::ioctl(uint32_t request, uint64_t argument) {
    if (net::interfaces::is_socket_request(request))
        return interface_ioctl(request, argument, !m_ipv6);
    if (request != fionread)
        return ENOTTY;
    if (m_socket)
        scheduler::poll_devices();
    size_t readable = m_socket ? m_socket->readable_bytes() : 0;
    TRY(write_user(argument, static_cast<int>(min<size_t>(readable, INT32_MAX))));
    return 0;
}

ErrorOr<void> SocketFile::set_option(int level, int name, const void* value, size_t length) {
    net::SocketOptions& settings = options();
    if (level == sol_socket) {
        switch (name) {
        case so_reuseaddr:
            settings.reuse_address = TRY(int_value(value, length)) != 0;
            break;
        case so_reuseport:
            settings.reuse_port = TRY(int_value(value, length)) != 0;
            break;
        case so_keepalive:
            settings.keep_alive = TRY(int_value(value, length)) != 0;
            break;
        case so_broadcast:
            m_broadcast = TRY(int_value(value, length)) != 0;
            return {};
        case so_rcvbuf:
        case so_sndbuf: {
            int requested = TRY(int_value(value, length));
            uint32_t bytes =
                min(max(static_cast<uint32_t>(max(requested, 0)), min_buffer), max_buffer);
            (name == so_rcvbuf ? settings.receive_buffer : settings.send_buffer) = bytes;
            break;
        }
        case so_linger: {
            int linger[2]; // struct linger: l_onoff, l_linger in seconds
            if (length < sizeof linger)
                return EINVAL;
            memcpy(linger, value, sizeof linger);
            settings.linger = linger[0] != 0;
            // As Linux: a negative time reads as "forever".
            settings.linger_seconds = linger[1] < 0 ? INT32_MAX : static_cast<uint32_t>(linger[1]);
            break;
        }
        case so_rcvtimeo:
            m_receive_timeout_ns = TRY(timeout_value(value, length));
            return {};
        case so_sndtimeo:
            m_send_timeout_ns = TRY(timeout_value(value, length));
            return {};
        default:
            return ENOPROTOOPT;
        }
    } else if (level == ipproto_ipv6 && m_ipv6 && name == ipv6_v6only) {
        int number = TRY(int_value(value, length));
        // As Linux's do_ipv6_setsockopt: fixed once the socket has a port.
        if (local_endpoint().port != 0)
            return EINVAL;
        settings.v6_only = number != 0;
    } else if (level == ipproto_ipv6 && m_ipv6 && name == ipv6_mtu) {
        // Any inet6 socket takes it, as on Linux; only UDP reads it. Never below IPv6's
        // minimum link MTU (RFC 8200 5), as do_ipv6_setsockopt.
        int number = TRY(int_value(value, length));
        if (number != 0 && number < int(net::ipv6_minimum_mtu))
            return EINVAL;
        settings.v6_largest_fragment = static_cast<uint32_t>(number);
    } else if (level == ipproto_ipv6 && m_ipv6 && name == ipv6_dontfrag) {
        // Any inet6 socket takes it, as on Linux; only UDP reads it.
        settings.v6_dont_fragment = TRY(int_value(value, length)) != 0;
    } else if ((level == ipproto_ip && name == ip_mtu_discover) ||
               (level == ipproto_ipv6 && m_ipv6 && name == ipv6_mtu_discover)) {
        // Any inet socket takes them, as on Linux (an AF_INET6 one the IPv4 one for its mapped
        // peers); only UDP reads them.
        int number = TRY(int_value(value, length));
        if (number < 0 || number > net::mtu_discovery_limit)
            return EINVAL;
        (level == ipproto_ip ? settings.mtu_discovery : settings.v6_mtu_discovery) =
            static_cast<net::MtuDiscovery>(number);
    } else if (level == ipproto_tcp && m_type == Type::Stream && name == tcp_congestion) {
        // A name, NUL-terminated or not; Linux reads no more than TCP_CA_NAME_MAX - 1 bytes
        // of it and answers ENOENT for an algorithm it does not have.
        if (length < 1)
            return EINVAL;
        size_t name_length = min(length, net::tcp::congestion_name_max - 1);
        if (!net::tcp::congestion_algorithm_named(static_cast<const char*>(value), name_length,
                                                  settings.congestion))
            return ENOENT;
    } else if (level == ipproto_tcp && m_type == Type::Stream) {
        int number = TRY(int_value(value, length));
        switch (name) {
        case tcp_nodelay:
            settings.no_delay = number != 0;
            break;
        case tcp_cork:
            settings.cork = number != 0;
            break;
        case tcp_user_timeout:
            if (number < 0)
                return EINVAL;
            settings.user_timeout_ms = static_cast<uint32_t>(number);
            break;
        case tcp_fastopen:
            // The queue of Fast Open requests a listener takes (do_tcp_setsockopt: EINVAL
            // when negative).
            if (number < 0)
                return EINVAL;
            settings.fastopen_queue = static_cast<uint32_t>(number);
            break;
        case tcp_keepidle:
        case tcp_keepintvl:
        case tcp_keepcnt:
            if (number < 1 || number > (name == tcp_keepcnt ? 127 : 32767))
                return EINVAL;
            (name == tcp_keepidle    ? settings.keep_idle_seconds
             : name == tcp_keepintvl ? settings.keep_interval_seconds
                                     : settings.keep_count) = static_cast<uint32_t>(number);
            break;
        default:
            return ENOPROTOOPT;
        }
    } else {
        return ENOPROTOOPT;
    }
    if (m_socket)
        m_socket->options_changed();
    return {};
}

ErrorOr<size_t> SocketFile::get_option(int level, int name, void* value) {
    net::SocketOptions& settings = options();
    if (level == sol_socket) {
        switch (name) {
        case so_reuseaddr:
            return put_int(value, settings.reuse_address);
        case so_reuseport:
            return put_int(value, settings.reuse_port);
        case so_keepalive:
            return put_int(value, settings.keep_alive);
        case so_broadcast:
            return put_int(value, m_broadcast);
        // Linux reports twice what was asked: the other half is its bookkeeping.
        case so_rcvbuf:
            return put_int(value, static_cast<int>(settings.receive_buffer * 2));
        case so_sndbuf:
            return put_int(value, static_cast<int>(settings.send_buffer * 2));
        case so_type:
            return put_int(value, static_cast<int>(m_type));
        case so_error:
            return put_int(value, m_socket ? m_socket->take_error() : 0);
        case so_acceptconn:
            return put_int(value, m_listening);
        case so_protocol:
            return put_int(value, m_type == Type::Stream ? ipproto_tcp : ipproto_udp);
        case so_domain:
            return put_int(value, m_ipv6 ? net::af_inet6 : net::af_inet);
        case so_linger: {
            const int linger[2] = {settings.linger, static_cast<int>(min<uint32_t>(
                                                        settings.linger_seconds, INT32_MAX))};
            memcpy(value, linger, sizeof linger);
            return sizeof linger;
        }
        case so_rcvtimeo:
            return put_timeout(value, m_receive_timeout_ns);
        case so_sndtimeo:
            return put_timeout(value, m_send_timeout_ns);
        default:
            return ENOPROTOOPT;
        }
    }
    if (level == ipproto_tcp && m_type == Type::Stream) {
        switch (name) {
        case tcp_nodelay:
            return put_int(value, settings.no_delay);
        case tcp_cork:
            return put_int(value, settings.cork);
        case tcp_user_timeout:
            return put_int(value, static_cast<int>(settings.user_timeout_ms));
        case tcp_fastopen:
            return put_int(value, static_cast<int>(settings.fastopen_queue));
        case tcp_keepidle:
            return put_int(value, static_cast<int>(settings.keep_idle_seconds));
        case tcp_keepintvl:
            return put_int(value, static_cast<int>(settings.keep_interval_seconds));
        case tcp_keepcnt:
            return put_int(value, static_cast<int>(settings.keep_count));
        case tcp_congestion: {
            // The name padded with NULs to TCP_CA_NAME_MAX; the caller gets what fits.
            const char* algorithm = net::tcp::congestion_algorithm_name(settings.congestion);
            memset(value, 0, net::tcp::congestion_name_max);
            memcpy(value, algorithm, strlen(algorithm));
            return net::tcp::congestion_name_max;
        }
        case tcp_info: {
            net::LinuxTcpInfo info;
            if (tcp()) {
                tcp()->get_info(info);
            } else {
                memset(&info, 0, sizeof info);
                info.state = 7; // TCP_CLOSE: no stack, never connected
            }
            memcpy(value, &info, sizeof info);
            return sizeof info;
        }
        default:
            return ENOPROTOOPT;
        }
    }
    if (level == ipproto_ipv6 && m_ipv6 && name == ipv6_v6only)
        return put_int(value, settings.v6_only);
    if (level == ipproto_ipv6 && m_ipv6 && name == ipv6_dontfrag)
        return put_int(value, settings.v6_dont_fragment);
    if (level == ipproto_ip && name == ip_mtu_discover)
        return put_int(value, static_cast<int>(settings.mtu_discovery));
    if (level == ipproto_ipv6 && m_ipv6 && name == ipv6_mtu_discover)
        return put_int(value, static_cast<int>(settings.v6_mtu_discovery));
    // The path's MTU, whatever IPV6_MTU was set to (ipv6_getsockopt reads the route).
    if ((level == ipproto_ip && name == ip_mtu) ||
        (level == ipproto_ipv6 && m_ipv6 && name == ipv6_mtu)) {
        if (!m_socket)
            return ENOTCONN;
        return put_int(value, static_cast<int>(TRY(m_socket->path_mtu())));
    }
    // A TCP option asked of a UDP socket, an IPv6 one of an AF_INET socket: Linux's
    // ip_getsockopt refuses the level.
    if (level == ipproto_tcp || (level == ipproto_ipv6 && !m_ipv6))
        return ENOTSUP;
    return ENOPROTOOPT;
}

} // namespace kernel
