// The BSD socket calls: each goes to the calls of its socket's family (linux/socket_calls.h),
// AF_UNIX, AF_INET/AF_INET6 or AF_NETLINK, all in the network component.
#include "components/missing_component.h"
#include "fs/fd_table.h"
#include "linux/socket_calls.h"
#include "linux/syscall_table.h"
#include "net/netlink/route_netlink.h"
#include "net/socket_address.h"

#include <ingot/abi/components.h>

namespace kernel {

namespace {

constexpr int sock_nonblock = 04000;
constexpr int sock_cloexec = 02000000;
constexpr int sock_type_limit = 11;

// The calls for a new socket of `family`, as `call` names it in the log line of a kernel
// without them.
ErrorOr<const SocketCalls*> family_calls(int family, const char* call) {
    const SocketCalls* calls;
    if (family == net::af_unix)
        calls = unix_socket_calls();
    else if (family == net::af_inet || family == net::af_inet6)
        calls = inet_socket_calls();
    else if (family == net::netlink::af_netlink)
        calls = netlink_socket_calls();
    else
        return EAFNOSUPPORT;
    if (!calls)
        return component_missing(abi::component_net, call);
    return calls;
}

// The calls of the socket `file` is; ENOTSOCK for a file that is no socket.
ErrorOr<const SocketCalls*> calls_of(const fd_table::FileReference& file) {
    const SocketCalls* calls = socket_calls(*file);
    if (!calls)
        return ENOTSOCK;
    return calls;
}

ErrorOr<long> accept_connection(int fd, UserPointer user_address, UserPointer user_length,
                                int flags) {
    if (flags & ~(sock_nonblock | sock_cloexec))
        return EINVAL;
    auto file = TRY(fd_table::get_reference(fd));
    return TRY(calls_of(file))->accept(*file, user_address.address, user_length.address, flags);
}

} // namespace

ErrorOr<long> sys_socket(int family, int type_and_flags, int protocol) {
    int flags = type_and_flags & (sock_nonblock | sock_cloexec);
    int type = type_and_flags & ~(sock_nonblock | sock_cloexec);
    if (type <= 0 || type >= sock_type_limit)
        return EINVAL;
    const char* call = family == net::af_unix               ? "socket(AF_UNIX)"
                       : family == net::af_inet6            ? "socket(AF_INET6)"
                       : family == net::netlink::af_netlink ? "socket(AF_NETLINK)"
                                                            : "socket(AF_INET)";
    return TRY(family_calls(family, call))->socket(family, type, flags, protocol);
}

ErrorOr<long> sys_socketpair(int family, int type_and_flags, int protocol, UserPointer fds) {
    int flags = type_and_flags & (sock_nonblock | sock_cloexec);
    int type = type_and_flags & ~(sock_nonblock | sock_cloexec);
    if (type <= 0 || type >= sock_type_limit)
        return EINVAL;
    return TRY(family_calls(family, "socketpair"))->socketpair(type, flags, protocol, fds.address);
}

ErrorOr<long> sys_bind(int fd, UserSocketAddress address, int length) {
    auto file = TRY(fd_table::get_reference(fd));
    return TRY(calls_of(file))->bind(*file, address.address, length);
}

ErrorOr<long> sys_listen(int fd, int backlog) {
    auto file = TRY(fd_table::get_reference(fd));
    return TRY(calls_of(file))->listen(*file, backlog);
}

ErrorOr<long> sys_accept(int fd, UserPointer address, UserPointer length) {
    return accept_connection(fd, address, length, 0);
}

ErrorOr<long> sys_accept4(int fd, UserPointer address, UserPointer length, int flags) {
    return accept_connection(fd, address, length, flags);
}

ErrorOr<long> sys_connect(int fd, UserSocketAddress address, int length) {
    auto file = TRY(fd_table::get_reference(fd));
    return TRY(calls_of(file))->connect(*file, address.address, length);
}

ErrorOr<long> sys_shutdown(int fd, int how) {
    auto file = TRY(fd_table::get_reference(fd));
    return TRY(calls_of(file))->shutdown(*file, how);
}

ErrorOr<long> sys_getsockname(int fd, UserPointer address, UserPointer length) {
    auto file = TRY(fd_table::get_reference(fd));
    return TRY(calls_of(file))->name(*file, address.address, length.address, false);
}

ErrorOr<long> sys_getpeername(int fd, UserPointer address, UserPointer length) {
    auto file = TRY(fd_table::get_reference(fd));
    return TRY(calls_of(file))->name(*file, address.address, length.address, true);
}

ErrorOr<long> sys_setsockopt(int fd, int level, int name, UserPointer user_value, int length) {
    auto file = TRY(fd_table::get_reference(fd));
    return TRY(calls_of(file))->setsockopt(*file, level, name, user_value.address, length);
}

ErrorOr<long> sys_getsockopt(int fd, int level, int name, UserPointer user_value,
                             UserPointer user_length) {
    auto file = TRY(fd_table::get_reference(fd));
    return TRY(calls_of(file))
        ->getsockopt(*file, level, name, user_value.address, user_length.address);
}

ErrorOr<long> sys_sendto(int fd, UserPointer buffer, size_t length, unsigned flags,
                         UserSocketAddress address, int address_length) {
    auto file = TRY(fd_table::get_reference(fd));
    return TRY(calls_of(file))
        ->sendto(*file, buffer.address, length, static_cast<int>(flags), address.address,
                 address_length);
}

ErrorOr<long> sys_recvfrom(int fd, UserPointer buffer, size_t length, unsigned flags,
                           UserPointer address, UserPointer address_length) {
    auto file = TRY(fd_table::get_reference(fd));
    return TRY(calls_of(file))
        ->recvfrom(*file, buffer.address, length, static_cast<int>(flags), address.address,
                   address_length.address);
}

ErrorOr<long> sys_sendmsg(int fd, UserPointer user_message, unsigned flags) {
    auto file = TRY(fd_table::get_reference(fd));
    return TRY(calls_of(file))->sendmsg(*file, user_message.address, static_cast<int>(flags));
}

ErrorOr<long> sys_recvmsg(int fd, UserPointer user_message, unsigned flags) {
    auto file = TRY(fd_table::get_reference(fd));
    return TRY(calls_of(file))->recvmsg(*file, user_message.address, static_cast<int>(flags));
}

} // namespace kernel
