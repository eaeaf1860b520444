// The BSD socket calls over IPv4 (TCP and UDP), on the network stack's sockets; AF_UNIX sockets
// go to linux/unix_socket_calls.h.
#include "fs/fd_table.h"
#include "fs/io_vectors.h"
#include "fs/socket_file.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "linux/message_header.h"
#include "linux/signals.h"
#include "linux/syscall_table.h"
#include "linux/unix_socket_calls.h"
#include "mm/kmalloc.h"
#include "mm/user_memory.h"
#include "net/socket_address.h"
#include "platform/platform.h"
#include "sched/scheduler.h"

namespace kernel {

namespace {

constexpr int sock_nonblock = 04000;
constexpr int sock_cloexec = 02000000;
constexpr int sock_stream = 1, sock_dgram = 2, sock_type_limit = 11;
constexpr int ipproto_tcp = 6, ipproto_udp = 17;

// The socket behind a descriptor, held for the call; ENOTSOCK for another kind of file.
class SocketReference {
public:
    explicit SocketReference(fd_table::FileReference file) : m_file(move(file)) {}
    SocketFile* operator->() const { return static_cast<SocketFile*>(m_file.get()); }
    SocketFile& operator*() const { return *operator->(); }

private:
    fd_table::FileReference m_file;
};

ErrorOr<SocketReference> socket_of(fd_table::FileReference file) {
    if (file->kind() != FileKind::Socket)
        return ENOTSOCK;
    return SocketReference(move(file));
}

UnixSocketFile& unix_socket(const fd_table::FileReference& file) {
    return static_cast<UnixSocketFile&>(*file);
}

// Linux sends SIGPIPE to a writer on a broken connection, unless told not to.
ErrorOr<long> with_broken_pipe_signal(ErrorOr<long> result, unsigned flags) {
    if (result.is_error() && result.error().code() == EPIPE && !(flags & message_flag::no_signal))
        signals::raise(signals::sigpipe, scheduler::current());
    return result;
}

// What an address is read for: the family rules differ between bind, connect and sending.
enum class AddressUse { bind, connect, send };

// A sockaddr_in for an AF_INET socket, a sockaddr_in6 for an AF_INET6 one, as Linux reads them:
// - bind on AF_INET takes AF_UNSPEC with INADDR_ANY (inet_bind's old-program allowance);
// - connect on a datagram socket takes AF_UNSPEC as "forget the peer" (inet_dgram_connect);
//   the wildcard endpoint on port 0 stands for it;
// - sending on an AF_INET datagram socket takes AF_UNSPEC as AF_INET (udp_sendmsg);
// - connect and sending on an AF_INET6 datagram socket take a sockaddr_in for its mapped
//   address (__ip6_datagram_connect, udpv6_sendmsg), refused on an IPV6_V6ONLY socket with
//   EAFNOSUPPORT and ENETUNREACH respectively.
ErrorOr<net::IpEndpoint> read_address(const SocketFile& socket, uint64_t user_address,
                                      uint64_t user_length, AddressUse use) {
    size_t length = TRY(net::checked_address_length(static_cast<int32_t>(user_length)));
    uint8_t bytes[net::max_socket_address_length];
    if (length && !user_address)
        return EFAULT;
    TRY(copy_from_user(bytes, user_address, length));
    bool datagram = socket.type() == SocketFile::Type::Datagram;
    if (datagram && use != AddressUse::bind) {
        uint16_t family = TRY(net::address_family(bytes, length));
        if (family == net::af_unspec && use == AddressUse::connect)
            return socket.is_ipv6() ? net::IpEndpoint{}
                                    : net::IpEndpoint{net::Ipv4Address::any(), 0};
        if (family == net::af_inet && socket.is_ipv6()) {
            if (socket.is_v6_only())
                return use == AddressUse::connect ? EAFNOSUPPORT : ENETUNREACH;
            return net::IpEndpoint(TRY(net::parse_inet_address(bytes, length)));
        }
    }
    if (socket.is_ipv6())
        return net::parse_inet6_address(bytes, length);
    auto unspecified = net::UnspecifiedFamily::refused;
    if (use == AddressUse::bind)
        unspecified = net::UnspecifiedFamily::any_address_only;
    else if (datagram && use == AddressUse::send)
        unspecified = net::UnspecifiedFamily::inet;
    return net::IpEndpoint(TRY(net::parse_inet_address(bytes, length, unspecified)));
}

// The address as the socket's family writes it (an IPv4 peer of an AF_INET6 socket as
// ::ffff:a.b.c.d), with its length.
struct EncodedAddress {
    union {
        net::LinuxSockaddrIn in;
        net::LinuxSockaddrIn6 in6;
    };
    size_t length;
};

EncodedAddress encode_address(const SocketFile& socket, const net::IpEndpoint& endpoint) {
    EncodedAddress encoded;
    if (socket.is_ipv6()) {
        encoded.in6 = net::encode_inet6_address(endpoint);
        encoded.length = sizeof encoded.in6;
    } else {
        encoded.in = net::encode_inet_address(endpoint.v4());
        encoded.length = sizeof encoded.in;
    }
    return encoded;
}

// Writes an address the way getsockname does: as much as the program's length allows, and
// the full length back. A null address writes nothing.
ErrorOr<void> write_address(const SocketFile& socket, uint64_t user_address, uint64_t user_length,
                            const net::IpEndpoint& endpoint) {
    if (!user_address)
        return {};
    int length = TRY(read_user<int>(user_length));
    if (length < 0)
        return EINVAL;
    EncodedAddress raw = encode_address(socket, endpoint);
    TRY(copy_to_user(user_address, &raw, min(static_cast<size_t>(length), raw.length)));
    return write_user(user_length, static_cast<int>(raw.length));
}

// A server listening beyond loopback in a VM without a network device would wait for clients
// that cannot reach it: say so once, with the options that give it a network.
void warn_if_unreachable(const net::IpEndpoint& local) {
    static bool warned;
    if (warned || platform::net_device() || local.address.is_loopback())
        return;
    warned = true;
    klog("listening on port %u, but this VM has no network device: nothing outside can connect "
         "(give it one with -p HOST_PORT:%u or --net TAP)",
         local.port, local.port);
}

ErrorOr<long> accept_connection(int fd, UserPointer user_address, UserPointer user_length,
                                int flags) {
    if (flags & ~(sock_nonblock | sock_cloexec))
        return EINVAL;
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::accept(unix_socket(file), user_address.address,
                                         user_length.address, static_cast<unsigned>(flags));
    auto socket = TRY(socket_of(move(file)));
    if (user_address)
        TRY(user_range(user_length.address, sizeof(int), Access::Write));
    SocketFile* connection = TRY(socket->accept(flags & sock_nonblock));
    auto peer = connection->remote_endpoint();
    auto installed =
        fd_table::install(*connection, 0, (flags & sock_cloexec) ? fd_table::fd_cloexec : 0);
    connection->release();
    int new_fd = TRY(move(installed));
    // As Linux: a peer address that cannot be written back loses the connection.
    if (!peer.is_error()) {
        auto written =
            write_address(*connection, user_address.address, user_length.address, peer.value());
        if (written.is_error()) {
            (void)fd_table::close(new_fd);
            return written.error();
        }
    }
    return new_fd;
}

// recvfrom's address: a datagram's sender; a stream has none to give (length 0).
ErrorOr<void> write_sender(SocketReference& socket, uint64_t user_address, uint64_t user_length,
                           const net::IpEndpoint& from) {
    if (!user_address)
        return {};
    if (socket->type() == SocketFile::Type::Stream)
        return write_user(user_length, 0);
    return write_address(*socket, user_address, user_length, from);
}

ErrorOr<void> read_message_vectors(const LinuxMsghdr& message, Access access, IoVectors& vectors) {
    if (message.iov_length > max_io_vectors)
        return EMSGSIZE;
    return read_io_vectors(message.iov, message.iov_length, access, vectors);
}

ErrorOr<size_t> send_message(SocketReference& socket, const LinuxMsghdr& message, int flags) {
    IoVectors vectors;
    TRY(read_message_vectors(message, Access::Read, vectors));
    net::IpEndpoint destination;
    bool addressed = message.name && socket->type() == SocketFile::Type::Datagram;
    if (addressed)
        destination =
            TRY(read_address(*socket, message.name, message.name_length, AddressUse::send));
    return socket->send_vectors(vectors, flags, addressed ? &destination : nullptr);
}

} // namespace

ErrorOr<long> sys_socket(int family, int type_and_flags, int protocol) {
    int flags = type_and_flags & (sock_nonblock | sock_cloexec);
    int type = type_and_flags & ~(sock_nonblock | sock_cloexec);
    if (type <= 0 || type >= sock_type_limit)
        return EINVAL;
    if (family == net::af_unix)
        return unix_socket_calls::socket(type, static_cast<unsigned>(flags), protocol);
    if (family != net::af_inet && family != net::af_inet6)
        return EAFNOSUPPORT;
    if (type != sock_stream && type != sock_dgram)
        return ESOCKTNOSUPPORT;
    if (protocol != 0 && protocol != (type == sock_stream ? ipproto_tcp : ipproto_udp))
        return EPROTONOSUPPORT;
    auto kind = type == sock_stream ? SocketFile::Type::Stream : SocketFile::Type::Datagram;
    SocketFile* socket = TRY(SocketFile::create(kind, family == net::af_inet6));
    if (flags & sock_nonblock)
        socket->set_status_flags(o_nonblock);
    auto fd = fd_table::install(*socket, 0, (flags & sock_cloexec) ? fd_table::fd_cloexec : 0);
    socket->release();
    return as_syscall_result(move(fd));
}

// Only AF_UNIX has pairs: Linux's inet sockets answer EOPNOTSUPP.
ErrorOr<long> sys_socketpair(int family, int type_and_flags, int protocol, UserPointer fds) {
    int flags = type_and_flags & (sock_nonblock | sock_cloexec);
    int type = type_and_flags & ~(sock_nonblock | sock_cloexec);
    if (type <= 0 || type >= sock_type_limit)
        return EINVAL;
    if (family == net::af_inet || family == net::af_inet6)
        return ENOTSUP;
    if (family != net::af_unix)
        return EAFNOSUPPORT;
    return unix_socket_calls::socketpair(type, static_cast<unsigned>(flags), protocol, fds.address);
}

ErrorOr<long> sys_bind(int fd, UserSocketAddress address, int length) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::bind(unix_socket(file), address.address, length);
    auto socket = TRY(socket_of(move(file)));
    auto local = TRY(read_address(*socket, address.address, length, AddressUse::bind));
    return as_syscall_result(socket->bind(local));
}

ErrorOr<long> sys_listen(int fd, int backlog) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::listen(unix_socket(file), backlog);
    auto socket = TRY(socket_of(move(file)));
    auto listened = socket->listen(backlog);
    if (!listened.is_error())
        warn_if_unreachable(socket->local_endpoint());
    return as_syscall_result(move(listened));
}

ErrorOr<long> sys_accept(int fd, UserPointer address, UserPointer length) {
    return accept_connection(fd, address, length, 0);
}

ErrorOr<long> sys_accept4(int fd, UserPointer address, UserPointer length, int flags) {
    return accept_connection(fd, address, length, flags);
}

ErrorOr<long> sys_connect(int fd, UserSocketAddress address, int length) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::connect(unix_socket(file), address.address, length);
    auto socket = TRY(socket_of(move(file)));
    auto remote = TRY(read_address(*socket, address.address, length, AddressUse::connect));
    return as_syscall_result(socket->connect(remote));
}

ErrorOr<long> sys_shutdown(int fd, int how) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::shutdown(unix_socket(file), how);
    auto socket = TRY(socket_of(move(file)));
    return as_syscall_result(socket->shutdown(how));
}

ErrorOr<long> sys_getsockname(int fd, UserPointer address, UserPointer length) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::name(unix_socket(file), address.address, length.address, false);
    auto socket = TRY(socket_of(move(file)));
    if (!address)
        return EFAULT;
    return as_syscall_result(
        write_address(*socket, address.address, length.address, socket->local_endpoint()));
}

ErrorOr<long> sys_getpeername(int fd, UserPointer address, UserPointer length) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::name(unix_socket(file), address.address, length.address, true);
    auto socket = TRY(socket_of(move(file)));
    auto remote = TRY(socket->remote_endpoint());
    if (!address)
        return EFAULT;
    return as_syscall_result(write_address(*socket, address.address, length.address, remote));
}

ErrorOr<long> sys_setsockopt(int fd, int level, int name, UserPointer user_value, int length) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::setsockopt(unix_socket(file), level, name, user_value.address,
                                             length);
    auto socket = TRY(socket_of(move(file)));
    if (length < 0)
        return EINVAL;
    uint8_t value[SocketFile::max_option_length] = {};
    size_t copied = min(static_cast<size_t>(length), sizeof value);
    TRY(copy_from_user(value, user_value.address, copied));
    return as_syscall_result(socket->set_option(level, name, value, copied));
}

ErrorOr<long> sys_getsockopt(int fd, int level, int name, UserPointer user_value,
                             UserPointer user_length) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::getsockopt(unix_socket(file), level, name, user_value.address,
                                             user_length.address);
    auto socket = TRY(socket_of(move(file)));
    int length = TRY(read_user<int>(user_length.address));
    if (length < 0)
        return EINVAL;
    uint8_t value[SocketFile::max_option_length];
    size_t size = TRY(socket->get_option(level, name, value));
    size_t copied = min(static_cast<size_t>(length), size);
    TRY(copy_to_user(user_value.address, value, copied));
    return as_syscall_result(write_user(user_length.address, static_cast<int>(copied)));
}

ErrorOr<long> sys_sendto(int fd, UserPointer buffer, size_t length, unsigned flags,
                         UserSocketAddress address, int address_length) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::sendto(unix_socket(file), buffer.address, length,
                                         static_cast<int>(flags), address.address, address_length);
    auto socket = TRY(socket_of(move(file)));
    const void* data = TRY(user_range(buffer.address, length, Access::Read));
    net::IpEndpoint destination;
    bool addressed = address && socket->type() == SocketFile::Type::Datagram;
    if (addressed)
        destination = TRY(read_address(*socket, address.address, address_length, AddressUse::send));
    auto sent = as_syscall_result(
        socket->send(data, length, static_cast<int>(flags), addressed ? &destination : nullptr));
    return with_broken_pipe_signal(move(sent), flags);
}

ErrorOr<long> sys_recvfrom(int fd, UserPointer buffer, size_t length, unsigned flags,
                           UserPointer address, UserPointer address_length) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::recvfrom(unix_socket(file), buffer.address, length,
                                           static_cast<int>(flags), address.address,
                                           address_length.address);
    auto socket = TRY(socket_of(move(file)));
    void* data = TRY(user_range(buffer.address, length, Access::Write));
    if (address)
        TRY(user_range(address_length.address, sizeof(int), Access::Write));
    auto receipt = TRY(socket->receive(data, length, static_cast<int>(flags)));
    TRY(write_sender(socket, address.address, address_length.address, receipt.from));
    bool report_full =
        (flags & message_flag::truncate) && socket->type() == SocketFile::Type::Datagram;
    return static_cast<long>(report_full ? receipt.full_length : receipt.copied);
}

ErrorOr<long> sys_sendmsg(int fd, UserPointer user_message, unsigned flags) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::sendmsg(unix_socket(file), user_message.address,
                                          static_cast<int>(flags));
    auto socket = TRY(socket_of(move(file)));
    auto message = TRY(read_user<LinuxMsghdr>(user_message.address));
    return with_broken_pipe_signal(
        as_syscall_result(send_message(socket, message, static_cast<int>(flags))), flags);
}

ErrorOr<long> sys_recvmsg(int fd, UserPointer user_message, unsigned flags) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::recvmsg(unix_socket(file), user_message.address,
                                          static_cast<int>(flags));
    auto socket = TRY(socket_of(move(file)));
    auto message = TRY(read_user<LinuxMsghdr>(user_message.address));
    IoVectors vectors;
    TRY(read_message_vectors(message, Access::Write, vectors));
    auto receipt = TRY(socket->receive_vectors(vectors, static_cast<int>(flags)));
    size_t done = receipt.copied;
    int message_flags = 0;
    if (receipt.full_length > receipt.copied) {
        message_flags |= message_flag::truncate;
        if (flags & message_flag::truncate)
            done = receipt.full_length;
    }
    // The sender's address, no control messages, and the flags, back into the msghdr.
    uint32_t name_length = 0;
    if (message.name && socket->type() == SocketFile::Type::Datagram) {
        EncodedAddress raw = encode_address(*socket, receipt.from);
        TRY(copy_to_user(message.name, &raw, min<size_t>(message.name_length, raw.length)));
        name_length = static_cast<uint32_t>(raw.length);
    }
    message.name_length = name_length;
    message.control_length = 0;
    message.flags = message_flags;
    TRY(write_user(user_message.address, message));
    return static_cast<long>(done);
}

} // namespace kernel
