// The socket calls of AF_INET and AF_INET6 sockets (the network stack's TCP and UDP), as
// socket_syscalls.cpp, readv/writev and sendfile hand them over once the family or the file says
// so. They come with the network component (abi::component_net): a kernel built without it
// has none, and socket() for those families answers ENOSYS. Addresses, buffers and struct msghdr
// are the program's; every File is one of FileKind::Socket.
#pragma once

#include "fs/file.h"
#include "fs/io_vectors.h"
#include "lib/error_or.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {

struct InetSocketCalls {
    // socket(family, type | flags, protocol); `type` without SOCK_NONBLOCK/SOCK_CLOEXEC.
    ErrorOr<long> (*socket)(bool ipv6, int type, int flags, int protocol);
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
    // readv/writev: as recvmsg/sendmsg without names.
    ErrorOr<long> (*transfer_vectors)(File& socket, const IoVectors& vectors, bool writing);
    // sendfile's: a TCP socket takes the file's bytes from kernel memory (send_stream); a UDP
    // one takes them as the program's, as a write.
    bool (*is_stream)(const File& socket);
    ErrorOr<size_t> (*send_stream)(File& socket, const void* data, size_t length);
};

// Null in a kernel built without the network component.
const InetSocketCalls* inet_socket_calls();

} // namespace kernel
