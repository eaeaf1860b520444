// The socket calls of AF_NETLINK sockets (man 7 netlink), NETLINK_ROUTE only, on
// fs/netlink_socket_file.h: part of the network component. Requests go to the kernel (port
// 0); answers come from it, with a sockaddr_nl of port 0.
#include "fs/fd_table.h"
#include "fs/netlink_socket_file.h"
#include "fs/socket_file.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "linux/message_header.h"
#include "linux/socket_calls.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"
#include "net/netlink/route_netlink.h"

namespace kernel {

namespace {

constexpr int sock_nonblock = 04000;
constexpr int sock_cloexec = 02000000;
constexpr int sock_dgram = 2, sock_raw = 3;
constexpr int sol_socket = 1, sol_netlink = 270;
constexpr int so_type = 3, so_error = 4, so_sndbuf = 7, so_rcvbuf = 8, so_sndbufforce = 32,
              so_rcvbufforce = 33, so_protocol = 38, so_domain = 39;
// NETLINK_ADD_MEMBERSHIP (1) to NETLINK_GET_STRICT_CHK (12): accepted, as nothing here is
// multicast and every request is answered strictly anyway.
constexpr int netlink_first_option = 1, netlink_last_option = 12;

NetlinkSocketFile& netlink(File& file) {
    return static_cast<NetlinkSocketFile&>(file);
}

// struct sockaddr_nl.
struct NetlinkAddress {
    uint16_t family;
    uint16_t pad;
    uint32_t port;
    uint32_t groups;
};
static_assert(sizeof(NetlinkAddress) == net::netlink::address_length);

// An address the program gives: EINVAL when short or of another family.
ErrorOr<NetlinkAddress> read_address(uint64_t user_address, int64_t length) {
    if (length < static_cast<int64_t>(sizeof(NetlinkAddress)))
        return EINVAL;
    auto address = TRY(read_user<NetlinkAddress>(user_address));
    if (address.family != net::netlink::af_netlink)
        return EINVAL;
    return address;
}

// Writes `address` for getsockname or a receive, truncated to the room the program gave and
// with the full length written back, as Linux's move_addr_to_user.
ErrorOr<void> write_address(uint64_t user_address, uint64_t user_length,
                            const NetlinkAddress& address) {
    if (!user_address)
        return {};
    int room = TRY(read_user<int>(user_length));
    if (room < 0)
        return EINVAL;
    TRY(copy_to_user(user_address, &address,
                     min<size_t>(static_cast<size_t>(room), sizeof address)));
    TRY(write_user(user_length, static_cast<int>(sizeof address)));
    return {};
}

constexpr NetlinkAddress kernel_address{net::netlink::af_netlink, 0, 0, 0};

ErrorOr<long> socket(int, int type, int flags, int protocol) {
    if (type != sock_raw && type != sock_dgram)
        return ESOCKTNOSUPPORT;
    if (protocol != net::netlink::netlink_route)
        return EPROTONOSUPPORT;
    NetlinkSocketFile* socket = TRY(NetlinkSocketFile::create(type));
    if (flags & sock_nonblock)
        socket->set_status_flags(o_nonblock);
    auto fd = fd_table::install(*socket, 0, (flags & sock_cloexec) ? fd_table::fd_cloexec : 0);
    socket->release();
    return as_syscall_result(move(fd));
}

ErrorOr<long> socketpair(int, int, int, uint64_t) {
    return ENOTSUP;
}

ErrorOr<long> bind(File& file, uint64_t user_address, int64_t length) {
    auto address = TRY(read_address(user_address, length));
    TRY(netlink(file).bind(address.port));
    return 0L;
}

// Only the kernel is there to talk to; AF_UNSPEC dissolves the association, as Linux's
// netlink_connect (there is none to dissolve).
ErrorOr<long> connect(File& file, uint64_t user_address, int64_t length) {
    if (length >= static_cast<int64_t>(sizeof(uint16_t)) &&
        TRY(read_user<uint16_t>(user_address)) == 0)
        return 0L;
    auto address = TRY(read_address(user_address, length));
    if (address.port != 0)
        return ECONNREFUSED;
    (void)netlink(file).port();
    return 0L;
}

ErrorOr<long> no_connections(File&, int) {
    return ENOTSUP;
}

ErrorOr<long> accept(File&, uint64_t, uint64_t, int) {
    return ENOTSUP;
}

ErrorOr<long> name(File& file, uint64_t user_address, uint64_t user_length, bool peer) {
    if (!user_address)
        return EFAULT;
    NetlinkAddress address = kernel_address;
    if (!peer)
        address.port = netlink(file).port();
    TRY(write_address(user_address, user_length, address));
    return 0L;
}

ErrorOr<long> setsockopt(File&, int level, int option, uint64_t user_value, int length) {
    if (length < static_cast<int>(sizeof(int)))
        return EINVAL;
    (void)TRY(read_user<int>(user_value));
    if (level == sol_socket && (option == so_sndbuf || option == so_rcvbuf ||
                                option == so_sndbufforce || option == so_rcvbufforce))
        return 0L;
    if (level == sol_netlink && option >= netlink_first_option && option <= netlink_last_option)
        return 0L;
    return ENOPROTOOPT;
}

ErrorOr<long> getsockopt(File& file, int level, int option, uint64_t user_value,
                         uint64_t user_length) {
    int length = TRY(read_user<int>(user_length));
    if (length < 0)
        return EINVAL;
    int value;
    if (level != sol_socket)
        return ENOPROTOOPT;
    switch (option) {
    case so_type:
        value = netlink(file).type();
        break;
    case so_error:
        value = 0;
        break;
    case so_sndbuf:
    case so_rcvbuf:
        value = static_cast<int>(NetlinkSocketFile::receive_limit);
        break;
    case so_protocol:
        value = net::netlink::netlink_route;
        break;
    case so_domain:
        value = net::netlink::af_netlink;
        break;
    default:
        return ENOPROTOOPT;
    }
    size_t copied = min(static_cast<size_t>(length), sizeof value);
    TRY(copy_to_user(user_value, &value, copied));
    TRY(write_user(user_length, static_cast<int>(copied)));
    return 0L;
}

// A datagram into `vectors`, as recvmsg's flags ask.
ErrorOr<NetlinkSocketFile::Received> receive_vectors(File& file, const IoVector* vectors,
                                                     size_t count, size_t total, int flags) {
    return netlink(file).receive(vectors, count, total, flags & message_flag::peek,
                                 flags & message_flag::dont_wait);
}

// netlink_sendmsg: a name of length 0 is none.
ErrorOr<void> check_destination(uint64_t user_address, int64_t length) {
    if (!user_address || length == 0)
        return {};
    auto address = TRY(read_address(user_address, length));
    if (address.port != 0)
        return ECONNREFUSED;
    return {};
}

ErrorOr<long> sendto(File& file, uint64_t user_buffer, size_t length, int, uint64_t user_address,
                     int64_t address_length) {
    TRY(user_range(user_buffer, length, Access::Read));
    TRY(check_destination(user_address, address_length));
    IoVector vector{user_buffer, length};
    return as_syscall_result(netlink(file).send(&vector, 1, length));
}

ErrorOr<long> recvfrom(File& file, uint64_t user_buffer, size_t length, int flags,
                       uint64_t user_address, uint64_t user_address_length) {
    TRY(user_range(user_buffer, length, Access::Write));
    IoVector vector{user_buffer, length};
    NetlinkSocketFile::Received received = TRY(receive_vectors(file, &vector, 1, length, flags));
    TRY(write_address(user_address, user_address_length, kernel_address));
    return static_cast<long>((flags & message_flag::truncate) ? received.length : received.copied);
}

ErrorOr<long> sendmsg(File& file, uint64_t user_message, int) {
    auto message = TRY(read_user<LinuxMsghdr>(user_message));
    if (message.iov_length > max_io_vectors)
        return EMSGSIZE;
    if (message.name)
        TRY(check_destination(message.name, static_cast<int32_t>(message.name_length)));
    IoVectors vectors;
    TRY(read_io_vectors(message.iov, message.iov_length, Access::Read, vectors));
    return as_syscall_result(netlink(file).send(vectors.vectors, vectors.count, vectors.total));
}

ErrorOr<long> recvmsg(File& file, uint64_t user_message, int flags) {
    auto message = TRY(read_user<LinuxMsghdr>(user_message));
    if (message.iov_length > max_io_vectors)
        return EMSGSIZE;
    IoVectors vectors;
    TRY(read_io_vectors(message.iov, message.iov_length, Access::Write, vectors));
    NetlinkSocketFile::Received received =
        TRY(receive_vectors(file, vectors.vectors, vectors.count, vectors.total, flags));
    if (message.name) {
        TRY(copy_to_user(message.name, &kernel_address,
                         min<size_t>(message.name_length, sizeof kernel_address)));
        message.name_length = sizeof kernel_address;
    }
    message.control_length = 0;
    message.flags = received.length > received.copied ? message_flag::truncate : 0;
    TRY(write_user(user_message, message));
    return static_cast<long>((flags & message_flag::truncate) ? received.length : received.copied);
}

ErrorOr<long> transfer_vectors(File& file, const IoVectors& vectors, bool writing) {
    if (writing)
        return as_syscall_result(netlink(file).send(vectors.vectors, vectors.count, vectors.total));
    NetlinkSocketFile::Received received =
        TRY(receive_vectors(file, vectors.vectors, vectors.count, vectors.total, 0));
    return static_cast<long>(received.copied);
}

constexpr SocketCalls calls{
    .socket = socket,
    .socketpair = socketpair,
    .bind = bind,
    .connect = connect,
    .listen = no_connections,
    .accept = accept,
    .shutdown = no_connections,
    .name = name,
    .setsockopt = setsockopt,
    .getsockopt = getsockopt,
    .sendto = sendto,
    .recvfrom = recvfrom,
    .sendmsg = sendmsg,
    .recvmsg = recvmsg,
    .transfer_vectors = transfer_vectors,
    .is_stream = never_from_kernel_memory,
    .send_stream = no_send_from_kernel_memory,
};

} // namespace

const SocketCalls* netlink_socket_calls() {
    return &calls;
}

} // namespace kernel
