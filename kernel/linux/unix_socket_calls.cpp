// The socket calls of AF_UNIX sockets (man 7 unix) on net/unix's sockets: part of the network
// component. Control messages carry SCM_RIGHTS and SCM_CREDENTIALS.
#include "linux/socket_calls.h"

#include "fs/unix_socket_file.h"
#include "linux/message_header.h"

#include "fs/fd_table.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "linux/signals.h"
#include "linux/syscall_table.h"
#include "mm/kmalloc.h"
#include "mm/user_memory.h"
#include "net/socket_address.h"
#include "sched/scheduler.h"

namespace kernel {

using net::unix_domain::Buffers;
using net::unix_domain::Credentials;
using net::unix_domain::FileRights;
using net::unix_domain::Receipt;

namespace {

using Type = UnixSocketFile::Type;

UnixSocketFile& as_unix(File& file) {
    return static_cast<UnixSocketFile&>(file);
}

constexpr uint64_t sock_nonblock = 04000;
constexpr uint64_t sock_cloexec = 02000000;
constexpr int sock_stream = 1, sock_dgram = 2, sock_raw = 3, sock_seqpacket = 5;
constexpr int pf_unix = 1;

constexpr int msg_oob = 0x1, msg_trunc = 0x20, msg_ctrunc = 0x8, msg_no_signal = 0x4000,
              msg_cmsg_cloexec = 0x40000000;
constexpr int sol_socket = 1, scm_rights = 1, scm_credentials = 2;
constexpr size_t max_option_length = 16;
// Linux copies control data into socket memory bounded by net.core.optmem_max.
constexpr size_t max_control_length = 128 * 1024;

// struct cmsghdr, and the CMSG_* arithmetic of the x86-64 ABI.
struct ControlHeader {
    uint64_t length;
    int32_t level;
    int32_t type;
};
static_assert(sizeof(ControlHeader) == 16);
constexpr size_t control_align(size_t length) {
    return align_up(length, sizeof(uint64_t));
}
constexpr size_t control_length(size_t data) {
    return sizeof(ControlHeader) + data;
}
constexpr size_t control_space(size_t data) {
    return sizeof(ControlHeader) + control_align(data);
}

// socket(2) type names, as Linux's unix_create takes them (SOCK_RAW is a datagram socket).
ErrorOr<Type> socket_type(int type, int protocol) {
    if (protocol && protocol != pf_unix)
        return EPROTONOSUPPORT;
    switch (type) {
    case sock_stream:
        return Type::Stream;
    case sock_dgram:
    case sock_raw:
        return Type::Datagram;
    case sock_seqpacket:
        return Type::SeqPacket;
    default:
        return ESOCKTNOSUPPORT;
    }
}

uint32_t descriptor_flags(uint64_t flags) {
    return (flags & sock_cloexec) ? fd_table::fd_cloexec : 0;
}

// A new file into the table: its one reference passes to the descriptor.
ErrorOr<int> install_new(UnixSocketFile& file, uint64_t flags) {
    if (flags & sock_nonblock)
        file.set_status_flags(o_nonblock);
    auto fd = fd_table::install(file, 0, descriptor_flags(flags));
    file.release();
    return fd;
}

// Linux sends SIGPIPE to a stream's writer on a broken connection, unless told not to.
template <typename T> ErrorOr<T> with_broken_pipe_signal(ErrorOr<T> result, Type type, int flags) {
    if (result.is_error() && result.error().code() == EPIPE && type == Type::Stream &&
        !(flags & msg_no_signal))
        signals::raise(signals::sigpipe, scheduler::current());
    return result;
}

// An address the program passed (move_addr_to_kernel): EINVAL for a negative length or one
// beyond a sockaddr_storage.
ErrorOr<size_t> read_address(uint64_t user_address, int64_t length,
                             uint8_t (&raw)[net::max_socket_address_length]) {
    size_t size = TRY(net::checked_address_length(length));
    TRY(copy_from_user(raw, user_address, size));
    return size;
}

// move_addr_to_user: as much of the address as the program has room for, and its whole
// length back. A null address writes nothing.
ErrorOr<void> write_address(uint64_t user_address, uint64_t user_length,
                            const net::unix_domain::UnixAddress& address) {
    if (!user_address)
        return {};
    int room = TRY(read_user<int>(user_length));
    if (room < 0)
        return EINVAL;
    uint8_t raw[net::unix_domain::path_offset + net::unix_domain::path_capacity + 1];
    size_t length = address.encode(raw);
    TRY(copy_to_user(user_address, raw, min(static_cast<size_t>(room), length)));
    return write_user(user_length, static_cast<int>(length));
}

// The control messages of a sendmsg (__scm_send): SCM_RIGHTS (files, each descriptor checked:
// EBADF) and SCM_CREDENTIALS (root may claim any user, but only its own pid: EPERM);
// EINVAL for a malformed header, another type, or more than SCM_MAX_FD files.
ErrorOr<void> parse_control(const uint8_t* control, size_t length, FileRights& rights,
                            Credentials& credentials) {
    size_t offset = 0;
    while (length - offset >= sizeof(ControlHeader)) {
        ControlHeader header;
        memcpy(&header, control + offset, sizeof header);
        if (header.length < sizeof header || header.length > length - offset)
            return EINVAL;
        const uint8_t* data = control + offset + sizeof header;
        size_t data_length = header.length - sizeof header;
        if (header.level == sol_socket) {
            if (header.type == scm_rights) {
                size_t count = data_length / sizeof(int);
                if (count > net::unix_domain::max_rights ||
                    rights.count() + count > net::unix_domain::max_rights)
                    return EINVAL;
                if (count && rights.is_empty())
                    rights = TRY(FileRights::with_capacity(net::unix_domain::max_rights));
                for (size_t i = 0; i < count; ++i) {
                    int fd;
                    memcpy(&fd, data + i * sizeof fd, sizeof fd);
                    rights.add(*TRY(fd_table::get(fd)));
                }
            } else if (header.type == scm_credentials) {
                if (header.length != control_length(sizeof(Credentials)))
                    return EINVAL;
                Credentials claimed;
                memcpy(&claimed, data, sizeof claimed);
                // Root may name any process, but one that exists: the program is the only.
                if (claimed.pid != UnixSocketFile::program_credentials().pid)
                    return ESRCH;
                credentials = claimed;
            } else {
                return EINVAL;
            }
        }
        offset += control_align(header.length);
        if (offset > length)
            break;
    }
    return {};
}

ErrorOr<long> send_buffers(UnixSocketFile& socket, const Buffers& data, int flags,
                           const uint8_t* address, size_t address_length, const uint8_t* control,
                           size_t control_length) {
    if (flags & msg_oob)
        return ENOTSUP;
    FileRights rights;
    Credentials credentials = UnixSocketFile::program_credentials();
    TRY(parse_control(control, control_length, rights, credentials));
    auto sent = socket.send(data, flags, address, address_length, &rights, credentials);
    return as_syscall_result(with_broken_pipe_signal(move(sent), socket.type(), flags));
}

// The control messages a recvmsg gives (scm_recv): the sender's credentials under SO_PASSCRED,
// then the files, each installed as a new descriptor, as many as `room` leaves space for; those
// that do not fit are closed and MSG_CTRUNC says so. Returns the bytes of `out` used.
size_t build_control(UnixSocketFile& socket, Receipt& receipt, int flags, size_t room, uint8_t* out,
                     int& message_flags) {
    size_t used = 0;
    if (socket.socket().passes_credentials()) {
        if (room < sizeof(ControlHeader)) {
            message_flags |= msg_ctrunc;
        } else {
            size_t length = control_length(sizeof(Credentials));
            if (room < length) {
                message_flags |= msg_ctrunc;
                length = room;
            }
            ControlHeader header{length, sol_socket, scm_credentials};
            memcpy(out, &header, sizeof header);
            memcpy(out + sizeof header, &receipt.credentials, length - sizeof header);
            size_t step = min(control_space(sizeof(Credentials)), room);
            used += step;
            room -= step;
        }
    }
    size_t count = receipt.rights.count();
    if (!count)
        return used;
    size_t fit = room > sizeof(ControlHeader) ? (room - sizeof(ControlHeader)) / sizeof(int) : 0;
    fit = min(fit, count);
    uint32_t fd_flags = (flags & msg_cmsg_cloexec) ? fd_table::fd_cloexec : 0;
    size_t installed = 0;
    for (; installed < fit; ++installed) {
        File* file = receipt.rights.take(installed);
        auto fd = fd_table::install(*file, 0, fd_flags);
        file->release(); // the descriptor holds its own reference now, or none was taken
        if (fd.is_error())
            break;
        int number = fd.value();
        memcpy(out + used + sizeof(ControlHeader) + installed * sizeof number, &number,
               sizeof number);
    }
    if (installed) {
        ControlHeader header{control_length(installed * sizeof(int)), sol_socket, scm_rights};
        memcpy(out + used, &header, sizeof header);
        used += min(control_space(installed * sizeof(int)), room);
    }
    if (installed < count)
        message_flags |= msg_ctrunc;
    receipt.rights.clear(); // the files never received are closed
    return used;
}

ErrorOr<Receipt> receive_buffers(UnixSocketFile& socket, const Buffers& data, int flags) {
    if (flags & msg_oob)
        return ENOTSUP;
    return socket.receive(data, flags);
}

ErrorOr<long> socket(int, int type, int flags, int protocol) {
    Type kind = TRY(socket_type(type, protocol));
    UnixSocketFile* file = TRY(UnixSocketFile::create(kind));
    return as_syscall_result(install_new(*file, flags));
}

ErrorOr<long> socketpair(int type, int flags, int protocol, uint64_t user_fds) {
    Type kind = TRY(socket_type(type, protocol));
    TRY(user_range(user_fds, 2 * sizeof(int), Access::Write));
    UnixSocketFile* first;
    UnixSocketFile* second;
    TRY(UnixSocketFile::create_pair(kind, first, second));
    second->retain(); // survives a failure to install the first
    auto first_fd = install_new(*first, flags);
    if (first_fd.is_error()) {
        second->release();
        second->release();
        return first_fd.error();
    }
    auto second_fd = install_new(*second, flags);
    second->release();
    if (second_fd.is_error()) {
        (void)fd_table::close(first_fd.value());
        return second_fd.error();
    }
    const int fds[2] = {first_fd.value(), second_fd.value()};
    TRY(copy_to_user(user_fds, fds, sizeof fds));
    return 0L;
}

ErrorOr<long> bind(File& file, uint64_t user_address, int64_t length) {
    UnixSocketFile& socket = as_unix(file);
    uint8_t raw[net::max_socket_address_length];
    size_t size = TRY(read_address(user_address, length, raw));
    return as_syscall_result(socket.bind(raw, size));
}

ErrorOr<long> connect(File& file, uint64_t user_address, int64_t length) {
    UnixSocketFile& socket = as_unix(file);
    uint8_t raw[net::max_socket_address_length];
    size_t size = TRY(read_address(user_address, length, raw));
    return as_syscall_result(socket.connect(raw, size));
}

ErrorOr<long> listen(File& file, int backlog) {
    UnixSocketFile& socket = as_unix(file);
    return as_syscall_result(socket.listen(backlog));
}

ErrorOr<long> accept(File& file, uint64_t user_address, uint64_t user_length, int flags) {
    UnixSocketFile& socket = as_unix(file);
    if (flags & ~(sock_nonblock | sock_cloexec))
        return EINVAL;
    if (user_address)
        TRY(user_range(user_length, sizeof(int), Access::Write));
    UnixSocketFile* connection = TRY(socket.accept(flags & sock_nonblock));
    auto peer = connection->socket().peer_address();
    auto installed = fd_table::install(*connection, 0, descriptor_flags(flags));
    connection->release();
    int fd = TRY(move(installed));
    // As Linux: a peer address that cannot be written back loses the connection.
    if (!peer.is_error()) {
        auto written = write_address(user_address, user_length, peer.value());
        if (written.is_error()) {
            (void)fd_table::close(fd);
            return written.error();
        }
    }
    return fd;
}

ErrorOr<long> shutdown(File& file, int how) {
    UnixSocketFile& socket = as_unix(file);
    return as_syscall_result(socket.socket().shutdown(how));
}

ErrorOr<long> name(File& file, uint64_t user_address, uint64_t user_length, bool peer) {
    UnixSocketFile& socket = as_unix(file);
    net::unix_domain::UnixAddress address = socket.socket().local_address();
    if (peer)
        address = TRY(socket.socket().peer_address());
    if (!user_address)
        return EFAULT;
    TRY(write_address(user_address, user_length, address));
    return 0L;
}

ErrorOr<long> setsockopt(File& file, int level, int option, uint64_t user_value, int length) {
    UnixSocketFile& socket = as_unix(file);
    if (length < 0)
        return EINVAL;
    uint8_t value[max_option_length] = {};
    size_t copied = min(static_cast<size_t>(length), sizeof value);
    TRY(copy_from_user(value, user_value, copied));
    return as_syscall_result(socket.set_option(level, option, value, copied));
}

ErrorOr<long> getsockopt(File& file, int level, int option, uint64_t user_value,
                         uint64_t user_length) {
    UnixSocketFile& socket = as_unix(file);
    int length = TRY(read_user<int>(user_length));
    if (length < 0)
        return EINVAL;
    uint8_t value[max_option_length];
    size_t size = TRY(socket.get_option(level, option, value));
    size_t copied = min(static_cast<size_t>(length), size);
    TRY(copy_to_user(user_value, value, copied));
    TRY(write_user(user_length, static_cast<int>(copied)));
    return 0L;
}

ErrorOr<long> sendto(File& file, uint64_t user_buffer, size_t length, int flags,
                     uint64_t user_address, int64_t address_length) {
    UnixSocketFile& socket = as_unix(file);
    TRY(user_range(user_buffer, length, Access::Read));
    uint8_t raw[net::max_socket_address_length];
    size_t raw_length = 0;
    if (user_address)
        raw_length = TRY(read_address(user_address, address_length, raw));
    IoVector vector{user_buffer, length};
    return send_buffers(socket, Buffers{&vector, 1, length, 0}, flags, raw, raw_length, nullptr, 0);
}

ErrorOr<long> recvfrom(File& file, uint64_t user_buffer, size_t length, int flags,
                       uint64_t user_address, uint64_t user_address_length) {
    UnixSocketFile& socket = as_unix(file);
    TRY(user_range(user_buffer, length, Access::Write));
    if (user_address)
        TRY(user_range(user_address_length, sizeof(int), Access::Write));
    IoVector vector{user_buffer, length};
    Receipt receipt = TRY(receive_buffers(socket, Buffers{&vector, 1, length, 0}, flags));
    // unix_copy_addr: an unnamed sender gives no address at all (length 0).
    if (user_address && !receipt.from.is_named())
        TRY(write_user(user_address_length, 0));
    else
        TRY(write_address(user_address, user_address_length, receipt.from));
    return static_cast<long>((flags & msg_trunc) ? receipt.full_length : receipt.copied);
}

ErrorOr<long> sendmsg(File& file, uint64_t user_message, int flags) {
    UnixSocketFile& socket = as_unix(file);
    auto message = TRY(read_user<LinuxMsghdr>(user_message));
    if (message.iov_length > max_io_vectors)
        return EMSGSIZE;
    uint8_t raw[net::max_socket_address_length];
    // copy_msghdr_from_user: EINVAL for a negative name length, a long one clamped to a
    // sockaddr_storage.
    auto name_length = static_cast<int32_t>(message.name_length);
    if (message.name && name_length < 0)
        return EINVAL;
    size_t raw_length =
        message.name ? min<size_t>(static_cast<size_t>(name_length), sizeof raw) : 0;
    TRY(copy_from_user(raw, message.name, raw_length));
    if (message.control_length > INT32_MAX)
        return ENOBUFS;
    if (message.control_length > max_control_length)
        return ENOBUFS;
    uint8_t* control = nullptr;
    if (message.control_length) {
        control = static_cast<uint8_t*>(kmalloc(message.control_length));
        if (!control)
            return ENOBUFS;
    }
    struct ControlBuffer {
        uint8_t* bytes;
        ~ControlBuffer() { kfree(bytes); }
    } owned{control};
    TRY(copy_from_user(control, message.control, message.control_length));
    IoVectors vectors;
    TRY(read_io_vectors(message.iov, message.iov_length, Access::Read, vectors));
    return send_buffers(socket, Buffers{vectors.vectors, vectors.count, vectors.total, 0}, flags,
                        raw, raw_length, control, message.control_length);
}

ErrorOr<long> recvmsg(File& file, uint64_t user_message, int flags) {
    UnixSocketFile& socket = as_unix(file);
    auto message = TRY(read_user<LinuxMsghdr>(user_message));
    if (message.iov_length > max_io_vectors)
        return EMSGSIZE;
    IoVectors vectors;
    TRY(read_io_vectors(message.iov, message.iov_length, Access::Write, vectors));
    Receipt receipt = TRY(
        receive_buffers(socket, Buffers{vectors.vectors, vectors.count, vectors.total, 0}, flags));
    int message_flags = 0;
    long result = static_cast<long>(receipt.copied);
    if (receipt.full_length > receipt.copied) {
        message_flags |= msg_trunc;
        if (flags & msg_trunc)
            result = static_cast<long>(receipt.full_length);
    }
    if (message.name) {
        uint8_t raw[net::unix_domain::path_offset + net::unix_domain::path_capacity + 1];
        size_t length = receipt.from.is_named() ? receipt.from.encode(raw) : 0;
        TRY(copy_to_user(message.name, raw, min<size_t>(message.name_length, length)));
        message.name_length = static_cast<uint32_t>(length);
    }
    // Room for the credentials and SCM_MAX_FD descriptors.
    uint8_t control[control_space(sizeof(Credentials)) +
                    control_space(net::unix_domain::max_rights * sizeof(int))];
    size_t room = message.control ? min<size_t>(message.control_length, sizeof control) : 0;
    size_t used = build_control(socket, receipt, flags, room, control, message_flags);
    TRY(copy_to_user(message.control, control, used));
    message.control_length = used;
    message.flags = message_flags;
    TRY(write_user(user_message, message));
    return result;
}

ErrorOr<long> transfer_vectors(File& file, const IoVectors& vectors, bool writing) {
    UnixSocketFile& socket = as_unix(file);
    Buffers data{vectors.vectors, vectors.count, vectors.total, 0};
    if (writing)
        return send_buffers(socket, data, 0, nullptr, 0, nullptr, 0);
    Receipt receipt = TRY(socket.receive(data, 0));
    return static_cast<long>(receipt.copied);
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
    .is_stream = never_from_kernel_memory,
    .send_stream = no_send_from_kernel_memory,
};

} // namespace

const SocketCalls* unix_socket_calls() {
    return &calls;
}

} // namespace kernel
