// The socket calls for AF_UNIX sockets (man 7 unix): what socket_syscalls.cpp hands over once
// the family or the file says AF_UNIX. Addresses, buffers and struct msghdr are the program's;
// control messages carry SCM_RIGHTS and SCM_CREDENTIALS.
#pragma once

#include "fs/io_vectors.h"
#include "fs/unix_socket_file.h"
#include "lib/error_or.h"

#include <stdint.h>

namespace kernel::unix_socket_calls {

// socket(AF_UNIX, type | flags, protocol); `type` without SOCK_NONBLOCK/SOCK_CLOEXEC.
ErrorOr<long> socket(int type, uint64_t flags, int protocol);
// socketpair(AF_UNIX, ...), writing the two descriptors to `user_fds`.
ErrorOr<long> socketpair(int type, uint64_t flags, int protocol, uint64_t user_fds);
ErrorOr<long> bind(UnixSocketFile& socket, uint64_t user_address, int64_t length);
ErrorOr<long> connect(UnixSocketFile& socket, uint64_t user_address, int64_t length);
ErrorOr<long> listen(UnixSocketFile& socket, int backlog);
ErrorOr<long> accept(UnixSocketFile& socket, uint64_t user_address, uint64_t user_length,
                     uint64_t flags);
ErrorOr<long> shutdown(UnixSocketFile& socket, int how);
// getsockname (`peer` false) and getpeername.
ErrorOr<long> name(UnixSocketFile& socket, uint64_t user_address, uint64_t user_length, bool peer);
ErrorOr<long> setsockopt(UnixSocketFile& socket, int level, int option, uint64_t user_value,
                         int length);
ErrorOr<long> getsockopt(UnixSocketFile& socket, int level, int option, uint64_t user_value,
                         uint64_t user_length);
ErrorOr<long> sendto(UnixSocketFile& socket, uint64_t user_buffer, size_t length, int flags,
                     uint64_t user_address, int64_t address_length);
ErrorOr<long> recvfrom(UnixSocketFile& socket, uint64_t user_buffer, size_t length, int flags,
                       uint64_t user_address, uint64_t user_address_length);
ErrorOr<long> sendmsg(UnixSocketFile& socket, uint64_t user_message, int flags);
ErrorOr<long> recvmsg(UnixSocketFile& socket, uint64_t user_message, int flags);
// readv/writev: as recvmsg/sendmsg without names or control messages.
ErrorOr<long> transfer_vectors(UnixSocketFile& socket, const IoVectors& vectors, bool writing);

} // namespace kernel::unix_socket_calls
