// The socket calls of one address family: AF_UNIX sockets (net/unix), AF_INET/AF_INET6 ones
// (the network stack's TCP and UDP) and AF_NETLINK ones (NETLINK_ROUTE), as socket_syscalls.cpp,
// readv/writev, write and sendfile hand them over once the family or the file says which. Both come
// with the network component (abi::component_net): a kernel built without it has neither, and
// socket() and socketpair() answer ENOSYS. Addresses, buffers and struct msghdr are the program's;
// every File is of the family's FileKind (Socket, UnixSocket or NetlinkSocket).
#pragma once

#include "fs/file.h"
#include "fs/io_vectors.h"
#include "lib/error_or.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {

struct SocketCalls {
    // socket(family, type | flags, protocol); `type` without SOCK_NONBLOCK/SOCK_CLOEXEC, whose
    // bits are in `flags`.
    ErrorOr<long> (*socket)(int family, int type, int flags, int protocol);
    // socketpair(...), writing the two descriptors to `user_fds`.
    ErrorOr<long> (*socketpair)(int type, int flags, int protocol, uint64_t user_fds);
    ErrorOr<long> (*bind)(File& socket, uint64_t user_address, int64_t length);
    ErrorOr<long> (*connect)(File& socket, uint64_t user_address, int64_t length);
    ErrorOr<long> (*listen)(File& socket, int backlog);
    ErrorOr<long> (*accept)(File& socket, uint64_t user_address, uint64_t user_length, int flags);
    ErrorOr<long> (*shutdown)(File& socket, int how);
    // getsockname (`peer` false) and getpeername.
    ErrorOr<long> (*name)(File& socket, uint64_t user_address, uint64_t user_length, bool peer);
    ErrorOr<long> (*setsockopt)(File& socket, int level, int option, uint64_t user_value,
                                int length);
    ErrorOr<long> (*getsockopt)(File& socket, int level, int option, uint64_t user_value,
                                uint64_t user_length);
    ErrorOr<long> (*sendto)(File& socket, uint64_t user_buffer, size_t length, int flags,
                            uint64_t user_address, int64_t address_length);
    ErrorOr<long> (*recvfrom)(File& socket, uint64_t user_buffer, size_t length, int flags,
                              uint64_t user_address, uint64_t user_address_length);
    ErrorOr<long> (*sendmsg)(File& socket, uint64_t user_message, int flags);
    ErrorOr<long> (*recvmsg)(File& socket, uint64_t user_message, int flags);
    // readv/writev: as recvmsg/sendmsg without names or control messages.
    ErrorOr<long> (*transfer_vectors)(File& socket, const IoVectors& vectors, bool writing);
    // sendfile's: a socket that is a stream may take the file's bytes from kernel memory
    // (send_stream); any other takes them as the program's, as a write.
    bool (*is_stream)(const File& socket);
    ErrorOr<size_t> (*send_stream)(File& socket, const void* data, size_t length);
};

// is_stream and send_stream for a family whose sockets sendfile writes to as to any file
// (AF_UNIX, AF_NETLINK).
inline bool never_from_kernel_memory(const File&) {
    return false;
}
inline ErrorOr<size_t> no_send_from_kernel_memory(File&, const void*, size_t) {
    return EINVAL;
}

// Null in a kernel built without the network component.
const SocketCalls* inet_socket_calls();
const SocketCalls* unix_socket_calls();
const SocketCalls* netlink_socket_calls();

// The calls of the family `file` belongs to; null for a file that is no socket.
inline const SocketCalls* socket_calls(const File& file) {
    if (file.kind() == FileKind::Socket)
        return inet_socket_calls();
    if (file.kind() == FileKind::UnixSocket)
        return unix_socket_calls();
    if (file.kind() == FileKind::NetlinkSocket)
        return netlink_socket_calls();
    return nullptr;
}

} // namespace kernel
