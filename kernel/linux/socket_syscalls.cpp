// The BSD socket calls over IPv4 (TCP and UDP), on the network stack's sockets.
#include "fs/fd_table.h"
#include "fs/io_vectors.h"
#include "fs/socket_file.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "linux/signals.h"
#include "linux/syscall_table.h"
#include "mm/kmalloc.h"
#include "mm/user_memory.h"
#include "net/socket_address.h"
#include "platform/platform.h"
#include "sched/scheduler.h"

namespace kernel {

namespace {

constexpr uint64_t sock_nonblock = 04000;
constexpr uint64_t sock_cloexec = 02000000;
constexpr int sock_stream = 1, sock_dgram = 2, sock_type_limit = 11;
constexpr int ipproto_tcp = 6, ipproto_udp = 17;
constexpr size_t max_option_length = 16;

struct LinuxMsghdr {
    uint64_t name;
    uint32_t name_length;
    uint32_t pad0;
    uint64_t iov;
    uint64_t iov_length;
    uint64_t control;
    uint64_t control_length;
    int32_t flags;
    uint32_t pad1;
};
static_assert(sizeof(LinuxMsghdr) == 56);

// The socket behind a descriptor, held for the call; ENOTSOCK for another kind of file.
class SocketReference {
public:
    explicit SocketReference(fd_table::FileReference file) : m_file(move(file)) {}
    SocketFile* operator->() const { return static_cast<SocketFile*>(m_file.get()); }

private:
    fd_table::FileReference m_file;
};

ErrorOr<SocketReference> socket_of(uint64_t fd) {
    auto file = TRY(fd_table::get_reference(static_cast<int>(fd)));
    if (file->kind() != FileKind::Socket)
        return ENOTSOCK;
    return SocketReference(move(file));
}

// Linux sends SIGPIPE to a writer on a broken connection, unless told not to.
long with_broken_pipe_signal(long result, int flags) {
    if (result == -EPIPE && !(flags & message_flag::no_signal))
        signals::raise(signals::sigpipe, scheduler::current());
    return result;
}

ErrorOr<net::Ipv4Endpoint> read_address(uint64_t user_address, uint64_t user_length,
                                        bool accept_unspecified = false) {
    size_t length = TRY(net::checked_address_length(static_cast<int32_t>(user_length)));
    uint8_t bytes[net::max_socket_address_length];
    if (length && !user_address)
        return EFAULT;
    TRY(copy_from_user(bytes, user_address, length));
    return net::parse_inet_address(bytes, length, accept_unspecified);
}

// Writes an address the way getsockname does: as much as the program's length allows, and
// the full length back. A null address writes nothing.
ErrorOr<void> write_address(uint64_t user_address, uint64_t user_length,
                            const net::Ipv4Endpoint& endpoint) {
    if (!user_address)
        return {};
    int length = TRY(read_user<int>(user_length));
    if (length < 0)
        return EINVAL;
    auto raw = net::encode_inet_address(endpoint);
    TRY(copy_to_user(user_address, &raw, min(static_cast<size_t>(length), sizeof raw)));
    return write_user(user_length, static_cast<int>(sizeof raw));
}

long sys_socket(SyscallFrame& f) {
    int domain = static_cast<int>(f.rdi);
    uint64_t flags = f.rsi & (sock_nonblock | sock_cloexec);
    int type = static_cast<int>(f.rsi & ~(sock_nonblock | sock_cloexec));
    int protocol = static_cast<int>(f.rdx);
    if (type <= 0 || type >= sock_type_limit)
        return -EINVAL;
    // Only IPv4: a C library asking for AF_INET6 or AF_UNIX falls back or fails cleanly.
    if (domain != net::af_inet)
        return -EAFNOSUPPORT;
    if (type != sock_stream && type != sock_dgram)
        return -ESOCKTNOSUPPORT;
    if (protocol != 0 && protocol != (type == sock_stream ? ipproto_tcp : ipproto_udp))
        return -EPROTONOSUPPORT;
    auto kind = type == sock_stream ? SocketFile::Type::Stream : SocketFile::Type::Datagram;
    SocketFile* socket = TRY_SYSCALL(SocketFile::create(kind));
    if (flags & sock_nonblock)
        socket->set_status_flags(o_nonblock);
    auto fd = fd_table::install(*socket, 0, (flags & sock_cloexec) ? fd_table::fd_cloexec : 0);
    socket->release();
    return to_syscall_result(move(fd));
}

long sys_bind(SyscallFrame& f) {
    auto socket = TRY_SYSCALL(socket_of(f.rdi));
    auto local = TRY_SYSCALL(read_address(f.rsi, f.rdx, true));
    return to_syscall_result(socket->bind(local));
}

// A server listening beyond loopback in a VM without a network device would wait for clients
// that cannot reach it: say so once, with the options that give it a network.
void warn_if_unreachable(net::Ipv4Endpoint local) {
    static bool warned;
    if (warned || platform::net_device() || local.address.is_loopback())
        return;
    warned = true;
    klog("listening on port %u, but this VM has no network device: nothing outside can connect "
         "(give it one with -p HOST_PORT:%u or --net TAP)",
         local.port, local.port);
}

long sys_listen(SyscallFrame& f) {
    auto socket = TRY_SYSCALL(socket_of(f.rdi));
    auto listened = socket->listen(static_cast<int>(f.rsi));
    if (!listened.is_error())
        warn_if_unreachable(socket->local_endpoint());
    return to_syscall_result(move(listened));
}

long accept_connection(uint64_t fd, uint64_t user_address, uint64_t user_length, uint64_t flags) {
    if (flags & ~(sock_nonblock | sock_cloexec))
        return -EINVAL;
    auto socket = TRY_SYSCALL(socket_of(fd));
    if (user_address)
        TRY_SYSCALL(user_range(user_length, sizeof(int), Access::Write));
    SocketFile* connection = TRY_SYSCALL(socket->accept(flags & sock_nonblock));
    auto peer = connection->remote_endpoint();
    auto installed =
        fd_table::install(*connection, 0, (flags & sock_cloexec) ? fd_table::fd_cloexec : 0);
    connection->release();
    int new_fd = TRY_SYSCALL(move(installed));
    // As Linux: a peer address that cannot be written back loses the connection.
    if (!peer.is_error()) {
        auto written = write_address(user_address, user_length, peer.value());
        if (written.is_error()) {
            (void)fd_table::close(new_fd);
            return -static_cast<long>(written.error().code());
        }
    }
    return new_fd;
}

long sys_accept(SyscallFrame& f) {
    return accept_connection(f.rdi, f.rsi, f.rdx, 0);
}

long sys_accept4(SyscallFrame& f) {
    return accept_connection(f.rdi, f.rsi, f.rdx, f.r10);
}

long sys_connect(SyscallFrame& f) {
    auto socket = TRY_SYSCALL(socket_of(f.rdi));
    auto remote = TRY_SYSCALL(read_address(f.rsi, f.rdx));
    return to_syscall_result(socket->connect(remote));
}

long sys_shutdown(SyscallFrame& f) {
    auto socket = TRY_SYSCALL(socket_of(f.rdi));
    return to_syscall_result(socket->shutdown(static_cast<int>(f.rsi)));
}

long sys_getsockname(SyscallFrame& f) {
    auto socket = TRY_SYSCALL(socket_of(f.rdi));
    if (!f.rsi)
        return -EFAULT;
    return to_syscall_result(write_address(f.rsi, f.rdx, socket->local_endpoint()));
}

long sys_getpeername(SyscallFrame& f) {
    auto socket = TRY_SYSCALL(socket_of(f.rdi));
    auto remote = TRY_SYSCALL(socket->remote_endpoint());
    if (!f.rsi)
        return -EFAULT;
    return to_syscall_result(write_address(f.rsi, f.rdx, remote));
}

long sys_setsockopt(SyscallFrame& f) {
    auto socket = TRY_SYSCALL(socket_of(f.rdi));
    int length = static_cast<int>(f.r8);
    if (length < 0)
        return -EINVAL;
    uint8_t value[max_option_length] = {};
    size_t copied = min(static_cast<size_t>(length), sizeof value);
    TRY_SYSCALL(copy_from_user(value, f.r10, copied));
    return to_syscall_result(
        socket->set_option(static_cast<int>(f.rsi), static_cast<int>(f.rdx), value, copied));
}

long sys_getsockopt(SyscallFrame& f) {
    auto socket = TRY_SYSCALL(socket_of(f.rdi));
    int length = TRY_SYSCALL(read_user<int>(f.r8));
    if (length < 0)
        return -EINVAL;
    uint8_t value[max_option_length];
    size_t size =
        TRY_SYSCALL(socket->get_option(static_cast<int>(f.rsi), static_cast<int>(f.rdx), value));
    size_t copied = min(static_cast<size_t>(length), size);
    TRY_SYSCALL(copy_to_user(f.r10, value, copied));
    return to_syscall_result(write_user(f.r8, static_cast<int>(copied)));
}

long send_to(uint64_t fd, uint64_t user_buffer, uint64_t length, int flags, uint64_t user_address,
             uint64_t address_length) {
    auto socket = TRY_SYSCALL(socket_of(fd));
    const void* data = TRY_SYSCALL(user_range(user_buffer, length, Access::Read));
    net::Ipv4Endpoint destination;
    bool addressed = user_address && socket->type() == SocketFile::Type::Datagram;
    if (addressed)
        destination = TRY_SYSCALL(read_address(user_address, address_length));
    long result =
        to_syscall_result(socket->send(data, length, flags, addressed ? &destination : nullptr));
    return with_broken_pipe_signal(result, flags);
}

long sys_sendto(SyscallFrame& f) {
    return send_to(f.rdi, f.rsi, f.rdx, static_cast<int>(f.r10), f.r8, f.r9);
}

// recvfrom's address: a datagram's sender; a stream has none to give (length 0).
ErrorOr<void> write_sender(SocketReference& socket, uint64_t user_address, uint64_t user_length,
                           const net::Ipv4Endpoint& from) {
    if (!user_address)
        return {};
    if (socket->type() == SocketFile::Type::Stream)
        return write_user(user_length, 0);
    return write_address(user_address, user_length, from);
}

long sys_recvfrom(SyscallFrame& f) {
    auto socket = TRY_SYSCALL(socket_of(f.rdi));
    int flags = static_cast<int>(f.r10);
    void* data = TRY_SYSCALL(user_range(f.rsi, f.rdx, Access::Write));
    if (f.r8)
        TRY_SYSCALL(user_range(f.r9, sizeof(int), Access::Write));
    auto receipt = TRY_SYSCALL(socket->receive(data, f.rdx, flags));
    TRY_SYSCALL(write_sender(socket, f.r8, f.r9, receipt.from));
    bool report_full =
        (flags & message_flag::truncate) && socket->type() == SocketFile::Type::Datagram;
    return static_cast<long>(report_full ? receipt.full_length : receipt.copied);
}

ErrorOr<void> read_message_vectors(const LinuxMsghdr& message, Access access, IoVectors& vectors) {
    if (message.iov_length > max_io_vectors)
        return EMSGSIZE;
    return read_io_vectors(message.iov, message.iov_length, access, vectors);
}

ErrorOr<size_t> send_message(SocketReference& socket, const LinuxMsghdr& message, int flags) {
    IoVectors vectors;
    TRY(read_message_vectors(message, Access::Read, vectors));
    net::Ipv4Endpoint destination;
    bool addressed = message.name && socket->type() == SocketFile::Type::Datagram;
    if (addressed)
        destination = TRY(read_address(message.name, message.name_length));
    return socket->send_vectors(vectors, flags, addressed ? &destination : nullptr);
}

long sys_sendmsg(SyscallFrame& f) {
    auto socket = TRY_SYSCALL(socket_of(f.rdi));
    int flags = static_cast<int>(f.rdx);
    auto message = TRY_SYSCALL(read_user<LinuxMsghdr>(f.rsi));
    return with_broken_pipe_signal(to_syscall_result(send_message(socket, message, flags)), flags);
}

long sys_recvmsg(SyscallFrame& f) {
    auto socket = TRY_SYSCALL(socket_of(f.rdi));
    int flags = static_cast<int>(f.rdx);
    auto message = TRY_SYSCALL(read_user<LinuxMsghdr>(f.rsi));
    IoVectors vectors;
    TRY_SYSCALL(read_message_vectors(message, Access::Write, vectors));
    auto receipt = TRY_SYSCALL(socket->receive_vectors(vectors, flags));
    size_t done = receipt.copied;
    int message_flags = 0;
    if (receipt.full_length > receipt.copied) {
        message_flags |= message_flag::truncate;
        if (flags & message_flag::truncate)
            done = receipt.full_length;
    }
    net::Ipv4Endpoint from = receipt.from;
    // The sender's address, no control messages, and the flags, back into the msghdr.
    uint32_t name_length = 0;
    if (message.name && socket->type() == SocketFile::Type::Datagram) {
        auto raw = net::encode_inet_address(from);
        TRY_SYSCALL(copy_to_user(message.name, &raw, min<size_t>(message.name_length, sizeof raw)));
        name_length = sizeof raw;
    }
    message.name_length = name_length;
    message.control_length = 0;
    message.flags = message_flags;
    TRY_SYSCALL(write_user(f.rsi, message));
    return static_cast<long>(done);
}

} // namespace

void register_socket_syscalls() {
    register_syscall(nr::socket, sys_socket);
    register_syscall(nr::bind, sys_bind);
    register_syscall(nr::listen, sys_listen);
    register_syscall(nr::accept, sys_accept);
    register_syscall(nr::accept4, sys_accept4);
    register_syscall(nr::connect, sys_connect);
    register_syscall(nr::shutdown, sys_shutdown);
    register_syscall(nr::getsockname, sys_getsockname);
    register_syscall(nr::getpeername, sys_getpeername);
    register_syscall(nr::setsockopt, sys_setsockopt);
    register_syscall(nr::getsockopt, sys_getsockopt);
    register_syscall(nr::sendto, sys_sendto);
    register_syscall(nr::recvfrom, sys_recvfrom);
    register_syscall(nr::sendmsg, sys_sendmsg);
    register_syscall(nr::recvmsg, sys_recvmsg);
}

} // namespace kernel
