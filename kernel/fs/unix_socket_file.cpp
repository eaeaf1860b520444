#include "fs/unix_socket_file.h"

#include "fs/file_wait.h"
#include "fs/socket_identity.h"
#include "fs/socket_option_values.h"
#include "fs/unix_socket_path.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "linux/interface_ioctl.h"
#include "mm/user_memory.h"
#include "net/interface_requests.h"
#include "net/socket_address.h"
#include "sched/scheduler.h"
#include "time/clock.h"

namespace kernel {

using net::unix_domain::Buffers;
using net::unix_domain::Credentials;
using net::unix_domain::FileRights;
using net::unix_domain::Outgoing;
using net::unix_domain::Receipt;
using net::unix_domain::Socket;
using net::unix_domain::UnixAddress;

namespace {

constexpr uint32_t fionread = 0x541b;

constexpr int sol_socket = 1;
constexpr int so_reuseaddr = 2, so_type = 3, so_error = 4, so_broadcast = 6, so_sndbuf = 7,
              so_rcvbuf = 8, so_keepalive = 9, so_linger = 13, so_passcred = 16, so_peercred = 17,
              so_rcvtimeo = 20, so_sndtimeo = 21, so_acceptconn = 30, so_sndbufforce = 32,
              so_rcvbufforce = 33, so_protocol = 38, so_domain = 39;

// Linux's bounds on SO_SNDBUF/SO_RCVBUF (net.core.wmem_max/rmem_max as on the project's hosts,
// SOCK_MIN_SNDBUF/SOCK_MIN_RCVBUF); it stores and reports twice the value asked for.
constexpr uint32_t max_buffer_request = 4 * 1024 * 1024;
constexpr size_t min_send_buffer = 4608, min_receive_buffer = 2304;

constexpr int msg_peek = 0x2, msg_dont_wait = 0x40, msg_wait_all = 0x100;

// While a thread waits, another may unmap the buffers it was given: they are checked again
// after every wait, before the next copy, or the copy would fault in the kernel.
ErrorOr<void> still_accessible(const Buffers& data, Access access) {
    for (size_t i = 0; i < data.count; ++i)
        if (data.vectors[i].length)
            TRY(user_range(data.vectors[i].base, data.vectors[i].length, access));
    return {};
}

} // namespace

using socket_option::int_value;
using socket_option::put_int;
using socket_option::put_timeout;
using socket_option::timeout_value;

Credentials UnixSocketFile::program_credentials() {
    return Credentials{1, 0, 0}; // getpid() is 1 and the program runs as root
}

ErrorOr<UnixSocketFile*> UnixSocketFile::create(Type type) {
    RefPtr<Socket> socket = Socket::create(type, program_credentials());
    if (!socket)
        return ENOMEM;
    auto* file = new UnixSocketFile(move(socket));
    if (!file)
        return ENOMEM;
    return file;
}

ErrorOr<void> UnixSocketFile::create_pair(Type type, UnixSocketFile*& first,
                                          UnixSocketFile*& second) {
    first = TRY(create(type));
    auto other = create(type);
    if (other.is_error()) {
        first->release();
        return other.error();
    }
    second = other.value();
    Socket::pair(first->socket(), second->socket());
    return {};
}

UnixSocketFile::~UnixSocketFile() {
    m_socket->set_file(nullptr);
    m_socket->close();
    Socket::collect_unreachable();
}

bool UnixSocketFile::waits(int flags) const {
    return !is_nonblocking() && !(flags & msg_dont_wait);
}

uint64_t UnixSocketFile::deadline(uint64_t timeout_ns) const {
    if (!timeout_ns)
        return scheduler::no_deadline;
    uint64_t at = clock::monotonic_ns() + timeout_ns;
    return at ? at : 1;
}

ErrorOr<void> UnixSocketFile::wait(Socket* other, uint64_t deadline_ns) {
    ThreadWakeObserver own(*scheduler::current());
    ThreadWakeObserver theirs(*scheduler::current());
    ReadinessSubscription own_subscription(&m_socket->readiness(), own);
    ReadinessSubscription their_subscription(other ? &other->space_readiness() : nullptr, theirs);
    WakeReason reason = scheduler::block(nullptr, deadline_ns);
    if (reason == WakeReason::Interrupted)
        return EINTR;
    if (reason == WakeReason::TimedOut)
        return EAGAIN;
    return {};
}

ErrorOr<RefPtr<Socket>> UnixSocketFile::find(const void* address, size_t length) {
    UnixAddress name = TRY(net::unix_domain::parse_unix_address(address, length));
    if (name.kind == UnixAddress::Kind::Abstract)
        return RefPtr<Socket>(TRY(Socket::find(name, type())));
    char path[net::unix_domain::path_capacity + 1];
    memcpy(path, name.name, name.name_length);
    path[name.name_length] = 0;
    RefPtr<vfs::Inode> inode = TRY(find_socket_node(StringView(path, name.name_length)));
    return RefPtr<Socket>(TRY(Socket::find(*inode, type())));
}

ErrorOr<void> UnixSocketFile::bind(const void* address, size_t length) {
    if (net::unix_domain::is_autobind_request(address, length))
        return m_socket->autobind();
    UnixAddress name = TRY(net::unix_domain::parse_unix_address(address, length));
    if (name.kind == UnixAddress::Kind::Abstract)
        return m_socket->bind(name);
    // As Linux's unix_bind_bsd: the path first (EADDRINUSE when it exists), then the socket's
    // state (EINVAL when bound already, leaving no node behind).
    if (m_socket->local_address().is_named()) {
        TRY(check_socket_node_free(name.path()));
        return EINVAL;
    }
    RefPtr<vfs::Inode> inode = TRY(create_socket_node(name.path()));
    return m_socket->bind_path(name, move(inode));
}

ErrorOr<void> UnixSocketFile::connect(const void* address, size_t length) {
    if (type() == Type::Datagram) {
        uint16_t family = TRY(net::address_family(address, length));
        if (family == net::af_unspec) {
            m_socket->disconnect();
            return {};
        }
        RefPtr<Socket> peer = TRY(find(address, length));
        return m_socket->connect_datagram(*peer);
    }
    RefPtr<Socket> listener = TRY(find(address, length));
    uint64_t until = deadline(m_send_timeout_ns);
    for (;;) {
        auto connected = m_socket->connect(*listener);
        if (!would_block(connected))
            return connected;
        if (!waits(0))
            return EAGAIN;
        TRY(wait(listener.get(), until));
    }
}

ErrorOr<void> UnixSocketFile::listen(int backlog) {
    return m_socket->listen(backlog);
}

ErrorOr<UnixSocketFile*> UnixSocketFile::accept(bool nonblocking) {
    uint64_t until = deadline(m_receive_timeout_ns);
    for (;;) {
        auto accepted = m_socket->accept();
        if (!accepted.is_error()) {
            auto* file = new UnixSocketFile(accepted.release_value());
            if (!file)
                return ENOMEM;
            if (nonblocking)
                file->set_status_flags(o_nonblock);
            return file;
        }
        if (!would_block(accepted) || !waits(0))
            return accepted.error();
        TRY(wait(nullptr, until));
    }
}

ErrorOr<size_t> UnixSocketFile::send(const Buffers& data, int flags, const void* destination,
                                     size_t destination_length, FileRights* rights,
                                     const Credentials& credentials) {
    RefPtr<Socket> target;
    if (destination && destination_length) {
        // unix_stream_sendmsg: a stream takes no address.
        if (type() == Type::Stream)
            return m_socket->is_connected() ? EISCONN : ENOTSUP;
        if (type() == Type::Datagram)
            target = TRY(find(destination, destination_length));
    }
    Outgoing outgoing{data, credentials, rights};
    uint64_t until = deadline(m_send_timeout_ns);
    size_t done = 0;
    for (;;) {
        outgoing.data.offset = data.offset + done;
        auto sent = m_socket->send(outgoing, target.get());
        if (!sent.is_error()) {
            done += sent.value();
            if (done == data.remaining())
                return done;
            continue; // a stream took part: the rest waits for room
        }
        if (!would_block(sent) || !waits(flags))
            return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(sent.error());
        Socket* other = target ? target.get() : nullptr;
        auto waited = wait(other, until);
        if (!waited.is_error())
            waited = still_accessible(data, Access::Read);
        if (waited.is_error())
            return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(waited.error());
    }
}

ErrorOr<Receipt> UnixSocketFile::receive(const Buffers& data, int flags) {
    uint64_t until = deadline(m_receive_timeout_ns);
    // Streams with MSG_WAITALL go on until the buffers are full (or the end, an error, a signal,
    // or files arrived); otherwise what the first read brings is the answer.
    bool fill = type() == Type::Stream && (flags & msg_wait_all) && !(flags & msg_peek);
    Receipt total;
    Buffers rest = data;
    for (;;) {
        auto received = m_socket->receive(rest, flags);
        if (!received.is_error()) {
            Receipt& receipt = received.value();
            if (total.copied == 0) {
                total.from = receipt.from;
                total.credentials = receipt.credentials;
            }
            total.copied += receipt.copied;
            total.full_length += receipt.full_length;
            total.rights = move(receipt.rights);
            // A datagram socket shut down for reading has nothing for a non-blocking read.
            if (receipt.end_of_file && type() == Type::Datagram && !waits(flags))
                return EAGAIN;
            rest.offset = data.offset + total.copied;
            if (!fill || receipt.end_of_file || !total.rights.is_empty() || !rest.remaining())
                return total;
            continue;
        }
        if (!would_block(received) || !waits(flags))
            return total.copied ? ErrorOr<Receipt>(move(total)) : received.error();
        auto waited = wait(nullptr, until);
        if (!waited.is_error())
            waited = still_accessible(data, Access::Write);
        if (waited.is_error())
            return total.copied ? ErrorOr<Receipt>(move(total)) : waited.error();
    }
}

ErrorOr<size_t> UnixSocketFile::read(uint64_t user_buffer, size_t length) {
    TRY(user_range(user_buffer, length, Access::Write));
    IoVector vector{user_buffer, length};
    auto receipt = TRY(receive(Buffers{&vector, 1, length, 0}, 0));
    return receipt.copied;
}

ErrorOr<size_t> UnixSocketFile::write(uint64_t user_buffer, size_t length) {
    TRY(user_range(user_buffer, length, Access::Read));
    IoVector vector{user_buffer, length};
    return send(Buffers{&vector, 1, length, 0}, 0, nullptr, 0, nullptr, program_credentials());
}

ErrorOr<void> UnixSocketFile::stat(LinuxStat& stat) {
    socket_stat(stat, m_socket.get());
    return {};
}

size_t UnixSocketFile::describe(char* buffer, size_t capacity) {
    return describe_socket(buffer, capacity, m_socket.get());
}

ErrorOr<long> UnixSocketFile::ioctl(uint32_t request, uint64_t argument) {
    if (net::interfaces::is_socket_request(request))
        return interface_ioctl(request, argument, false);
    if (request != fionread)
        return ENOTTY;
    size_t readable = TRY(m_socket->readable_bytes());
    TRY(write_user(argument, static_cast<int>(min<size_t>(readable, INT32_MAX))));
    return 0;
}

ErrorOr<void> UnixSocketFile::set_option(int level, int name, const void* value, size_t length) {
    if (level != sol_socket)
        return ENOTSUP;
    switch (name) {
    case so_rcvtimeo:
        m_receive_timeout_ns = TRY(timeout_value(value, length));
        return {};
    case so_sndtimeo:
        m_send_timeout_ns = TRY(timeout_value(value, length));
        return {};
    case so_linger:
        if (length < sizeof m_linger)
            return EINVAL;
        memcpy(m_linger, value, sizeof m_linger);
        return {};
    default:
        break;
    }
    int number = TRY(int_value(value, length));
    switch (name) {
    case so_reuseaddr:
        m_reuse_address = number != 0;
        return {};
    case so_keepalive:
        m_keep_alive = number != 0;
        return {};
    case so_broadcast:
        m_broadcast = number != 0;
        return {};
    case so_passcred:
        m_socket->set_passes_credentials(number != 0);
        return {};
    case so_sndbuf:
    case so_sndbufforce:
    case so_rcvbuf:
    case so_rcvbufforce: {
        // As sock_setsockopt: the request as unsigned, bounded (the FORCE forms are root's and
        // unbounded), then doubled.
        uint32_t requested = static_cast<uint32_t>(number);
        if (name == so_sndbuf || name == so_rcvbuf)
            requested = min(requested, max_buffer_request);
        else
            requested = min<uint32_t>(requested, INT32_MAX / 2);
        size_t doubled = static_cast<size_t>(requested) * 2;
        if (name == so_sndbuf || name == so_sndbufforce)
            m_socket->set_send_buffer(max(doubled, min_send_buffer));
        else
            m_socket->set_receive_buffer(max(doubled, min_receive_buffer));
        return {};
    }
    default:
        return ENOPROTOOPT;
    }
}

ErrorOr<size_t> UnixSocketFile::get_option(int level, int name, void* value) {
    if (level != sol_socket)
        return ENOTSUP;
    switch (name) {
    case so_type:
        return put_int(value, static_cast<int>(type()));
    case so_domain:
        return put_int(value, net::af_unix);
    case so_protocol:
        return put_int(value, 0);
    case so_error:
        return put_int(value, m_socket->take_error());
    case so_acceptconn:
        return put_int(value, m_socket->is_listening());
    case so_passcred:
        return put_int(value, m_socket->passes_credentials());
    case so_peercred: {
        Credentials peer = m_socket->peer_credentials();
        memcpy(value, &peer, sizeof peer);
        return sizeof peer;
    }
    case so_sndbuf:
        return put_int(value, static_cast<int>(m_socket->send_buffer()));
    case so_rcvbuf:
        return put_int(value, static_cast<int>(m_socket->receive_buffer()));
    case so_reuseaddr:
        return put_int(value, m_reuse_address);
    case so_keepalive:
        return put_int(value, m_keep_alive);
    case so_broadcast:
        return put_int(value, m_broadcast);
    case so_linger:
        memcpy(value, m_linger, sizeof m_linger);
        return sizeof m_linger;
    case so_rcvtimeo:
        return put_timeout(value, m_receive_timeout_ns);
    case so_sndtimeo:
        return put_timeout(value, m_send_timeout_ns);
    default:
        return ENOPROTOOPT;
    }
}

} // namespace kernel
