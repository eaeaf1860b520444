// An AF_UNIX socket as a file (man 7 unix): the non-blocking net::unix_domain::Socket made to
// block, unless O_NONBLOCK or MSG_DONTWAIT, by waiting for it (and for the socket it sends or
// connects to) to change, up to SO_RCVTIMEO/SO_SNDTIMEO.
#pragma once

#include "fs/file.h"
#include "net/unix/unix_socket.h"

namespace kernel {

class UnixSocketFile final : public File {
public:
    using Type = net::unix_domain::SocketType;

    // ENOMEM.
    static ErrorOr<UnixSocketFile*> create(Type type);
    // socketpair: two files (one reference each) connected to each other; ENOMEM.
    static ErrorOr<void> create_pair(Type type, UnixSocketFile*& first, UnixSocketFile*& second);
    ~UnixSocketFile() override;
    UnixSocketFile(const UnixSocketFile&) = delete;
    UnixSocketFile& operator=(const UnixSocketFile&) = delete;

    net::unix_domain::Socket& socket() const { return *m_socket; }
    Type type() const { return m_socket->type(); }

    // bind's address as the program gave it (a kernel copy): autobind, an abstract name or a
    // path, whose socket file it creates (EADDRINUSE when the path exists).
    ErrorOr<void> bind(const void* address, size_t length);
    // connect: a listener (streams, seqpackets) or a default destination (datagrams; AF_UNSPEC
    // dissolves it).
    ErrorOr<void> connect(const void* address, size_t length);
    ErrorOr<void> listen(int backlog);
    // A connection as a new file (one reference); `nonblocking` for accept4's flag.
    ErrorOr<UnixSocketFile*> accept(bool nonblocking);

    // `destination`: sendto's or msg_name's address (a kernel copy), or null. `rights` (may be
    // null) move into what is sent. `credentials` those to carry (SCM_CREDENTIALS).
    ErrorOr<size_t> send(const net::unix_domain::Buffers& data, int flags, const void* destination,
                         size_t destination_length, net::unix_domain::FileRights* rights,
                         const net::unix_domain::Credentials& credentials);
    ErrorOr<net::unix_domain::Receipt> receive(const net::unix_domain::Buffers& data, int flags);

    // setsockopt/getsockopt at SOL_SOCKET (EOPNOTSUPP at other levels, as Linux's AF_UNIX):
    // ENOPROTOOPT for an option not known, EINVAL for a short value.
    ErrorOr<void> set_option(int level, int name, const void* value, size_t length);
    // Writes the option's value to `value` (room for 16 bytes); returns its length.
    ErrorOr<size_t> get_option(int level, int name, void* value);

    // The credentials this program's messages carry: getpid() and root, as Ingot runs it.
    static net::unix_domain::Credentials program_credentials();

    FileKind kind() const override { return FileKind::UnixSocket; }
    uint32_t access_mode() const override { return o_rdwr; }
    uint32_t poll_events() override { return m_socket->poll_events(); }
    Readiness* readiness() override { return &m_socket->readiness(); }
    ErrorOr<size_t> read(uint64_t user_buffer, size_t length) override;
    ErrorOr<size_t> write(uint64_t user_buffer, size_t length) override;
    ErrorOr<void> stat(LinuxStat& stat) override;
    size_t describe(char* buffer, size_t capacity) override;
    ErrorOr<long> ioctl(uint32_t request, uint64_t argument) override;

private:
    explicit UnixSocketFile(RefPtr<net::unix_domain::Socket> socket) : m_socket(move(socket)) {
        m_socket->set_file(this);
    }
    bool waits(int flags) const;
    uint64_t deadline(uint64_t timeout_ns) const;
    // Sleeps until this socket or `other` changes: EAGAIN at the deadline, EINTR on a signal.
    ErrorOr<void> wait(net::unix_domain::Socket* other, uint64_t deadline_ns);
    // The socket an address names: ECONNREFUSED, ENOENT (a path not there), EPROTOTYPE.
    ErrorOr<RefPtr<net::unix_domain::Socket>> find(const void* address, size_t length);

    RefPtr<net::unix_domain::Socket> m_socket;
    uint64_t m_receive_timeout_ns = 0, m_send_timeout_ns = 0; // 0: none
    // Options Linux keeps for every socket that change nothing here, remembered for getsockopt.
    bool m_reuse_address = false, m_keep_alive = false, m_broadcast = false;
    int m_linger[2] = {0, 0};
};

} // namespace kernel
