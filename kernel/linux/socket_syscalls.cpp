// The BSD socket calls: AF_UNIX sockets go to linux/unix_socket_calls.h, AF_INET and AF_INET6
// ones to the network component's linux/inet_socket_calls.h.
#include "components/missing_component.h"
#include "fs/fd_table.h"
#include "linux/inet_socket_calls.h"
#include "linux/syscall_table.h"
#include "linux/unix_socket_calls.h"
#include "net/socket_address.h"

#include <ingot/abi/components.h>

namespace kernel {

namespace {

constexpr int sock_nonblock = 04000;
constexpr int sock_cloexec = 02000000;
constexpr int sock_type_limit = 11;

UnixSocketFile& unix_socket(const fd_table::FileReference& file) {
    return static_cast<UnixSocketFile&>(*file);
}

// The calls of an inet socket's family; ENOTSOCK for a file that is no socket. An inet
// socket exists only where the network component made it.
ErrorOr<const InetSocketCalls*> inet_calls(const fd_table::FileReference& file) {
    if (file->kind() != FileKind::Socket)
        return ENOTSOCK;
    return inet_socket_calls();
}

ErrorOr<long> accept_connection(int fd, UserPointer user_address, UserPointer user_length,
                                int flags) {
    if (flags & ~(sock_nonblock | sock_cloexec))
        return EINVAL;
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::accept(unix_socket(file), user_address.address,
                                         user_length.address, static_cast<unsigned>(flags));
    return TRY(inet_calls(file))->accept(*file, user_address.address, user_length.address, flags);
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
    const InetSocketCalls* calls = inet_socket_calls();
    if (!calls)
        return component_missing(abi::component_net,
                                 family == net::af_inet ? "socket(AF_INET)" : "socket(AF_INET6)");
    return calls->socket(family == net::af_inet6, type, flags, protocol);
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
    return TRY(inet_calls(file))->bind(*file, address.address, length);
}

ErrorOr<long> sys_listen(int fd, int backlog) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::listen(unix_socket(file), backlog);
    return TRY(inet_calls(file))->listen(*file, backlog);
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
    return TRY(inet_calls(file))->connect(*file, address.address, length);
}

ErrorOr<long> sys_shutdown(int fd, int how) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::shutdown(unix_socket(file), how);
    return TRY(inet_calls(file))->shutdown(*file, how);
}

ErrorOr<long> sys_getsockname(int fd, UserPointer address, UserPointer length) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::name(unix_socket(file), address.address, length.address, false);
    return TRY(inet_calls(file))->name(*file, address.address, length.address, false);
}

ErrorOr<long> sys_getpeername(int fd, UserPointer address, UserPointer length) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::name(unix_socket(file), address.address, length.address, true);
    return TRY(inet_calls(file))->name(*file, address.address, length.address, true);
}

ErrorOr<long> sys_setsockopt(int fd, int level, int name, UserPointer user_value, int length) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::setsockopt(unix_socket(file), level, name, user_value.address,
                                             length);
    return TRY(inet_calls(file))->setsockopt(*file, level, name, user_value.address, length);
}

ErrorOr<long> sys_getsockopt(int fd, int level, int name, UserPointer user_value,
                             UserPointer user_length) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::getsockopt(unix_socket(file), level, name, user_value.address,
                                             user_length.address);
    return TRY(inet_calls(file))
        ->getsockopt(*file, level, name, user_value.address, user_length.address);
}

ErrorOr<long> sys_sendto(int fd, UserPointer buffer, size_t length, unsigned flags,
                         UserSocketAddress address, int address_length) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::sendto(unix_socket(file), buffer.address, length,
                                         static_cast<int>(flags), address.address, address_length);
    return TRY(inet_calls(file))
        ->sendto(*file, buffer.address, length, static_cast<int>(flags), address.address,
                 address_length);
}

ErrorOr<long> sys_recvfrom(int fd, UserPointer buffer, size_t length, unsigned flags,
                           UserPointer address, UserPointer address_length) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::recvfrom(unix_socket(file), buffer.address, length,
                                           static_cast<int>(flags), address.address,
                                           address_length.address);
    return TRY(inet_calls(file))
        ->recvfrom(*file, buffer.address, length, static_cast<int>(flags), address.address,
                   address_length.address);
}

ErrorOr<long> sys_sendmsg(int fd, UserPointer user_message, unsigned flags) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::sendmsg(unix_socket(file), user_message.address,
                                          static_cast<int>(flags));
    return TRY(inet_calls(file))->sendmsg(*file, user_message.address, static_cast<int>(flags));
}

ErrorOr<long> sys_recvmsg(int fd, UserPointer user_message, unsigned flags) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls::recvmsg(unix_socket(file), user_message.address,
                                          static_cast<int>(flags));
    return TRY(inet_calls(file))->recvmsg(*file, user_message.address, static_cast<int>(flags));
}

} // namespace kernel
