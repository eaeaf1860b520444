// A socket as a file: the stack's non-blocking TcpSocket or UdpSocket, made to block (unless
// O_NONBLOCK or MSG_DONTWAIT) by waiting on its readiness. Without a network device there is
// no stack socket behind it: such a socket can be bound and configured, but connecting and
// sending fail with ENETUNREACH.
#pragma once

#include "fs/file.h"
#include "fs/io_vectors.h"
#include "net/socket.h"

namespace kernel {

namespace message_flag {
inline constexpr int peek = 0x2;
inline constexpr int truncate = 0x20;
inline constexpr int dont_wait = 0x40;
inline constexpr int wait_all = 0x100;
inline constexpr int more = 0x8000;
inline constexpr int no_signal = 0x4000;
} // namespace message_flag

struct SocketReceipt {
    size_t copied;      // bytes written to the caller's buffer
    size_t full_length; // UDP: the datagram's length; TCP: as copied
    net::IpEndpoint from;
};

class SocketFile final : public File {
public:
    // The longest option value: TCP_INFO's struct tcp_info.
    static constexpr size_t max_option_length = sizeof(net::LinuxTcpInfo);

    enum class Type { Stream = 1, Datagram = 2 }; // SOCK_STREAM, SOCK_DGRAM

    // ENOMEM. `ipv6`: an AF_INET6 socket.
    static ErrorOr<SocketFile*> create(Type type, bool ipv6 = false);
    ~SocketFile() override;
    SocketFile(const SocketFile&) = delete;
    SocketFile& operator=(const SocketFile&) = delete;

    Type type() const { return m_type; }
    bool is_ipv6() const { return m_ipv6; }
    // IPV6_V6ONLY as set on an AF_INET6 socket.
    bool is_v6_only() const {
        return m_ipv6 && (m_socket ? m_socket->options() : m_detached_options).v6_only;
    }

    ErrorOr<void> bind(net::IpEndpoint local);
    ErrorOr<void> listen(int backlog);
    // A connection as a new file (holding one reference); `nonblocking` for accept4's flag.
    ErrorOr<SocketFile*> accept(bool nonblocking);
    ErrorOr<void> connect(net::IpEndpoint remote);
    // connect(AF_UNSPEC) on a stream socket (net::TcpSocket::disconnect): the same file, its
    // epoll registrations and waiting threads, now before a socket as new.
    ErrorOr<void> disconnect();
    ErrorOr<void> shutdown(int how);
    net::IpEndpoint local_endpoint() const;
    ErrorOr<net::IpEndpoint> remote_endpoint() const;

    // `data` is a checked kernel pointer (the program's memory). `destination` for UDP only.
    ErrorOr<size_t> send(const void* data, size_t length, int flags,
                         const net::IpEndpoint* destination);
    ErrorOr<SocketReceipt> receive(void* data, size_t length, int flags);
    // sendmsg/writev and recvmsg/readv over checked buffers: a stream fills or drains them in
    // turn, a datagram goes or comes whole across them. `copied` counts bytes in the buffers.
    ErrorOr<size_t> send_vectors(const IoVectors& vectors, int flags,
                                 const net::IpEndpoint* destination);
    ErrorOr<SocketReceipt> receive_vectors(const IoVectors& vectors, int flags);

    // setsockopt/getsockopt: ENOPROTOOPT for an option not known, EINVAL for a bad value.
    ErrorOr<void> set_option(int level, int name, const void* value, size_t length);
    // Writes the option's value to `value` (room for max_option_length bytes); returns its
    // length.
    ErrorOr<size_t> get_option(int level, int name, void* value);

    FileKind kind() const override { return FileKind::Socket; }
    uint32_t access_mode() const override { return o_rdwr; }
    uint32_t poll_events() override;
    Readiness* readiness() override;
    ErrorOr<size_t> read(uint64_t user_buffer, size_t length) override;
    ErrorOr<size_t> write(uint64_t user_buffer, size_t length) override;
    ErrorOr<void> stat(LinuxStat& stat) override;
    size_t describe(char* buffer, size_t capacity) override;
    ErrorOr<long> ioctl(uint32_t request, uint64_t argument) override;

private:
    SocketFile(Type type, bool ipv6, net::Socket* socket);
    net::TcpSocket* tcp() const;
    net::UdpSocket* udp() const;
    net::SocketOptions& options();
    bool waits(int flags) const;
    // Waits for `events` after an EAGAIN, up to the option's timeout (EAGAIN after it).
    ErrorOr<void> wait_for(uint32_t events, uint64_t timeout_ns);
    static ErrorOr<void> still_accessible(const void* data, size_t length, Access access);
    ErrorOr<size_t> send_stream(const uint8_t* data, size_t length, int flags);
    ErrorOr<SocketReceipt> receive_stream(uint8_t* data, size_t length, int flags);
    void linger_before_close();

    Type m_type;
    bool m_ipv6;
    net::Socket* m_socket; // null without a network stack
    // What a socket without a stack remembers.
    net::SocketOptions m_detached_options;
    net::IpEndpoint m_detached_local;
    bool m_listening = false;
    // Options the stack does not take, remembered for getsockopt.
    bool m_broadcast = false;
    uint64_t m_receive_timeout_ns = 0, m_send_timeout_ns = 0; // 0: none
};

} // namespace kernel
