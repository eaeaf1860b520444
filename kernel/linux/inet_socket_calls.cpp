// The socket calls of AF_INET and AF_INET6 sockets, on the network stack's TCP and UDP sockets
// (fs/socket_file.h): part of the network component.
#include "linux/socket_calls.h"

#include "fs/fd_table.h"
#include "fs/socket_file.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "linux/message_header.h"
#include "linux/signals.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"
#include "net/socket_address.h"
#include "platform/platform.h"
#include "sched/scheduler.h"

namespace kernel {

namespace {

constexpr int sock_nonblock = 04000;
constexpr int sock_cloexec = 02000000;
constexpr int sock_stream = 1, sock_dgram = 2;
constexpr int ipproto_tcp = 6, ipproto_udp = 17;

SocketFile& inet(File& file) {
    return static_cast<SocketFile&>(file);
}

// Linux sends SIGPIPE to a writer on a broken connection, unless told not to.
ErrorOr<long> with_broken_pipe_signal(ErrorOr<long> result, unsigned flags) {
    if (result.is_error() && result.error().code() == EPIPE && !(flags & message_flag::no_signal))
        signals::raise(signals::sigpipe, scheduler::current());
    return result;
}

// What an address is read for: the family rules differ between bind, connect and sending.
enum class AddressUse { bind, connect, send };

// A socket address as the program passed it, copied in whole as Linux's move_addr_to_kernel.
struct RawAddress {
    uint8_t bytes[net::max_socket_address_length];
    size_t length;
};

ErrorOr<RawAddress> copy_address(uint64_t user_address, uint64_t user_length) {
    RawAddress raw;
    raw.length = TRY(net::checked_address_length(static_cast<int32_t>(user_length)));
    if (raw.length && !user_address)
        return EFAULT;
    TRY(copy_from_user(raw.bytes, user_address, raw.length));
    return raw;
}

// A sockaddr_in for an AF_INET socket, a sockaddr_in6 for an AF_INET6 one, as Linux reads them:
// - bind on AF_INET takes AF_UNSPEC with INADDR_ANY (inet_bind's old-program allowance);
// - connect on a datagram socket takes AF_UNSPEC as "forget the peer" (inet_dgram_connect);
//   the wildcard endpoint on port 0 stands for it;
// - sending on an AF_INET datagram socket takes AF_UNSPEC as AF_INET (udp_sendmsg);
// - connect and sending on an AF_INET6 datagram socket take a sockaddr_in for its mapped
//   address (__ip6_datagram_connect, udpv6_sendmsg), refused on an IPV6_V6ONLY socket with
//   EAFNOSUPPORT and ENETUNREACH respectively.
ErrorOr<net::IpEndpoint> parse_address(const SocketFile& socket, const RawAddress& raw,
                                       AddressUse use) {
    const uint8_t* bytes = raw.bytes;
    size_t length = raw.length;
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

ErrorOr<net::IpEndpoint> read_address(const SocketFile& socket, uint64_t user_address,
                                      uint64_t user_length, AddressUse use) {
    return parse_address(socket, TRY(copy_address(user_address, user_length)), use);
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

// recvfrom's address: a datagram's sender; a stream has none to give (length 0).
ErrorOr<void> write_sender(SocketFile& socket, uint64_t user_address, uint64_t user_length,
                           const net::IpEndpoint& from) {
    if (!user_address)
        return {};
    if (socket.type() == SocketFile::Type::Stream)
        return write_user(user_length, 0);
    return write_address(socket, user_address, user_length, from);
}

ErrorOr<void> read_message_vectors(const LinuxMsghdr& message, Access access, IoVectors& vectors) {
    if (message.iov_length > max_io_vectors)
        return EMSGSIZE;
    return read_io_vectors(message.iov, message.iov_length, access, vectors);
}

ErrorOr<long> socket(int family, int type, int flags, int protocol) {
    bool ipv6 = family == net::af_inet6;
    if (type != sock_stream && type != sock_dgram)
        return ESOCKTNOSUPPORT;
    if (protocol != 0 && protocol != (type == sock_stream ? ipproto_tcp : ipproto_udp))
        return EPROTONOSUPPORT;
    auto kind = type == sock_stream ? SocketFile::Type::Stream : SocketFile::Type::Datagram;
    SocketFile* socket = TRY(SocketFile::create(kind, ipv6));
    if (flags & sock_nonblock)
        socket->set_status_flags(o_nonblock);
    auto fd = fd_table::install(*socket, 0, (flags & sock_cloexec) ? fd_table::fd_cloexec : 0);
    socket->release();
    return as_syscall_result(move(fd));
}

ErrorOr<long> bind(File& file, uint64_t user_address, int64_t length) {
    SocketFile& socket = inet(file);
    auto local = TRY(read_address(socket, user_address, length, AddressUse::bind));
    return as_syscall_result(socket.bind(local));
}

ErrorOr<long> connect(File& file, uint64_t user_address, int64_t length) {
    SocketFile& socket = inet(file);
    RawAddress raw = TRY(copy_address(user_address, length));
    // AF_UNSPEC disconnects a stream socket (inet_stream_connect).
    if (socket.type() == SocketFile::Type::Stream &&
        TRY(net::address_family(raw.bytes, raw.length)) == net::af_unspec)
        return as_syscall_result(socket.disconnect());
    auto remote = TRY(parse_address(socket, raw, AddressUse::connect));
    return as_syscall_result(socket.connect(remote));
}

ErrorOr<long> listen(File& file, int backlog) {
    SocketFile& socket = inet(file);
    auto listened = socket.listen(backlog);
    if (!listened.is_error())
        warn_if_unreachable(socket.local_endpoint());
    return as_syscall_result(move(listened));
}

ErrorOr<long> accept(File& file, uint64_t user_address, uint64_t user_length, int flags) {
    if (user_address)
        TRY(user_range(user_length, sizeof(int), Access::Write));
    SocketFile* connection = TRY(inet(file).accept(flags & sock_nonblock));
    auto peer = connection->remote_endpoint();
    auto installed =
        fd_table::install(*connection, 0, (flags & sock_cloexec) ? fd_table::fd_cloexec : 0);
    connection->release();
    int new_fd = TRY(move(installed));
    // As Linux: a peer address that cannot be written back loses the connection.
    if (!peer.is_error()) {
        auto written = write_address(*connection, user_address, user_length, peer.value());
        if (written.is_error()) {
            (void)fd_table::close(new_fd);
            return written.error();
        }
    }
    return new_fd;
}

ErrorOr<long> shutdown(File& file, int how) {
    return as_syscall_result(inet(file).shutdown(how));
}

ErrorOr<long> name(File& file, uint64_t user_address, uint64_t user_length, bool peer) {
    SocketFile& socket = inet(file);
    if (!peer) {
        if (!user_address)
            return EFAULT;
        return as_syscall_result(
            write_address(socket, user_address, user_length, socket.local_endpoint()));
    }
    auto remote = TRY(socket.remote_endpoint());
    if (!user_address)
        return EFAULT;
    return as_syscall_result(write_address(socket, user_address, user_length, remote));
}

ErrorOr<long> setsockopt(File& file, int level, int option, uint64_t user_value, int length) {
    if (length < 0)
        return EINVAL;
    uint8_t value[SocketFile::max_option_length] = {};
    size_t copied = min(static_cast<size_t>(length), sizeof value);
    TRY(copy_from_user(value, user_value, copied));
    return as_syscall_result(inet(file).set_option(level, option, value, copied));
}

ErrorOr<long> getsockopt(File& file, int level, int option, uint64_t user_value,
                         uint64_t user_length) {
    int length = TRY(read_user<int>(user_length));
    if (length < 0)
        return EINVAL;
    uint8_t value[SocketFile::max_option_length];
    size_t size = TRY(inet(file).get_option(level, option, value));
    size_t copied = min(static_cast<size_t>(length), size);
    TRY(copy_to_user(user_value, value, copied));
    return as_syscall_result(write_user(user_length, static_cast<int>(copied)));
}

ErrorOr<long> sendto(File& file, uint64_t user_buffer, size_t length, int flags,
                     uint64_t user_address, int64_t address_length) {
    SocketFile& socket = inet(file);
    const void* data = TRY(user_range(user_buffer, length, Access::Read));
    net::IpEndpoint destination;
    bool addressed = user_address && socket.type() == SocketFile::Type::Datagram;
    if (addressed)
        destination = TRY(read_address(socket, user_address, address_length, AddressUse::send));
    auto sent =
        as_syscall_result(socket.send(data, length, flags, addressed ? &destination : nullptr));
    return with_broken_pipe_signal(move(sent), flags);
}

ErrorOr<long> recvfrom(File& file, uint64_t user_buffer, size_t length, int flags,
                       uint64_t user_address, uint64_t user_address_length) {
    SocketFile& socket = inet(file);
    void* data = TRY(user_range(user_buffer, length, Access::Write));
    if (user_address)
        TRY(user_range(user_address_length, sizeof(int), Access::Write));
    auto receipt = TRY(socket.receive(data, length, flags));
    TRY(write_sender(socket, user_address, user_address_length, receipt.from));
    bool report_full =
        (flags & message_flag::truncate) && socket.type() == SocketFile::Type::Datagram;
    return static_cast<long>(report_full ? receipt.full_length : receipt.copied);
}

ErrorOr<long> sendmsg(File& file, uint64_t user_message, int flags) {
    SocketFile& socket = inet(file);
    auto message = TRY(read_user<LinuxMsghdr>(user_message));
    IoVectors vectors;
    TRY(read_message_vectors(message, Access::Read, vectors));
    net::IpEndpoint destination;
    bool addressed = message.name && socket.type() == SocketFile::Type::Datagram;
    if (addressed)
        destination =
            TRY(read_address(socket, message.name, message.name_length, AddressUse::send));
    auto sent = socket.send_vectors(vectors, flags, addressed ? &destination : nullptr);
    return with_broken_pipe_signal(as_syscall_result(move(sent)), flags);
}

ErrorOr<long> recvmsg(File& file, uint64_t user_message, int flags) {
    SocketFile& socket = inet(file);
    auto message = TRY(read_user<LinuxMsghdr>(user_message));
    IoVectors vectors;
    TRY(read_message_vectors(message, Access::Write, vectors));
    auto receipt = TRY(socket.receive_vectors(vectors, flags));
    size_t done = receipt.copied;
    int message_flags = 0;
    if (receipt.full_length > receipt.copied) {
        message_flags |= message_flag::truncate;
        if (flags & message_flag::truncate)
            done = receipt.full_length;
    }
    // The sender's address, no control messages, and the flags, back into the msghdr.
    uint32_t name_length = 0;
    if (message.name && socket.type() == SocketFile::Type::Datagram) {
        EncodedAddress raw = encode_address(socket, receipt.from);
        TRY(copy_to_user(message.name, &raw, min<size_t>(message.name_length, raw.length)));
        name_length = static_cast<uint32_t>(raw.length);
    }
    message.name_length = name_length;
    message.control_length = 0;
    message.flags = message_flags;
    TRY(write_user(user_message, message));
    return static_cast<long>(done);
}

// A socket moves a datagram whole across the buffers, as sendmsg/recvmsg do.
ErrorOr<long> transfer_vectors(File& file, const IoVectors& vectors, bool writing) {
    SocketFile& socket = inet(file);
    if (writing)
        return with_broken_pipe_signal(as_syscall_result(socket.send_vectors(vectors, 0, nullptr)),
                                       0);
    auto receipt = TRY(socket.receive_vectors(vectors, 0));
    return static_cast<long>(receipt.copied);
}

// Only AF_UNIX has pairs: Linux's inet sockets answer EOPNOTSUPP.
ErrorOr<long> socketpair(int, int, int, uint64_t) {
    return ENOTSUP;
}

bool is_stream(const File& file) {
    return static_cast<const SocketFile&>(file).type() == SocketFile::Type::Stream;
}

ErrorOr<size_t> send_stream(File& file, const void* data, size_t length) {
    return inet(file).send(data, length, 0, nullptr);
}

constexpr SocketCalls calls{
    .socket = socket,
    .socketpair = socketpair,
    .bind = bind,
    .connect = connect,
    .listen = listen,
    .accept = accept,
    .shutdown = shutdown,
    .name = name,
    .setsockopt = setsockopt,
    .getsockopt = getsockopt,
    .sendto = sendto,
    .recvfrom = recvfrom,
    .sendmsg = sendmsg,
    .recvmsg = recvmsg,
    .transfer_vectors = transfer_vectors,
    .is_stream = is_stream,
    .send_stream = send_stream,
};

} // namespace

const SocketCalls* inet_socket_calls() {
    return &calls;
}

} // namespace kernel
