// An AF_NETLINK socket of protocol NETLINK_ROUTE as a file (man 7 netlink): what it is sent is
// answered at once from the interface as it is then (net/netlink/route_netlink.h), one datagram
// per request, queued for the program to read. Part of the network component.
#pragma once

#include "fs/file.h"
#include "fs/transfer_limits.h"
#include "lib/intrusive_list.h"
#include "net/netlink/route_netlink.h"

namespace kernel {

class NetlinkSocketFile final : public File, private net::netlink::Replies {
public:
    // SOCK_RAW or SOCK_DGRAM, which behave alike; ENOMEM.
    static ErrorOr<NetlinkSocketFile*> create(int type);
    ~NetlinkSocketFile() override;
    NetlinkSocketFile(const NetlinkSocketFile&) = delete;
    NetlinkSocketFile& operator=(const NetlinkSocketFile&) = delete;

    int type() const { return m_type; }
    // The port id: given by bind, else chosen at the first bind, send or getsockname (the
    // program's pid for its first socket, then ids from -4096 down, as Linux's autobind).
    uint32_t port();
    // The port id once there is one; 0 before.
    uint32_t port_if_bound() const { return m_bound ? m_port : 0; }
    // bind's nl_pid: 0 to have one chosen; EADDRINUSE when another socket holds it, EINVAL
    // for a socket bound already, unless to this one.
    ErrorOr<void> bind(uint32_t port);

    // One send: the requests in the program's `vectors` (`total` bytes), copied in and
    // answered into the receive queue; returns `total`. EMSGSIZE past receive_limit. ENOBUFS
    // is kept for the next receive when the queue is over its limit, as Linux does.
    ErrorOr<size_t> send(const IoVector* vectors, size_t count, size_t total);
    // The first queued datagram, its first `total` bytes copied to the program's `vectors`.
    // `peek` leaves it queued. Without `dont_wait` and O_NONBLOCK it waits for one (EINTR for
    // a signal); else EAGAIN when there is none. ENOBUFS once after answers were dropped.
    struct Received {
        size_t length; // the datagram's
        size_t copied;
    };
    ErrorOr<Received> receive(const IoVector* vectors, size_t count, size_t total, bool peek,
                              bool dont_wait);

    FileKind kind() const override { return FileKind::NetlinkSocket; }
    uint32_t access_mode() const override { return o_rdwr; }
    uint32_t poll_events() override;
    Readiness* readiness() override { return &m_readiness; }
    ErrorOr<size_t> read(uint64_t user_buffer, size_t length) override;
    ErrorOr<size_t> write(uint64_t user_buffer, size_t length) override;
    ErrorOr<void> stat(LinuxStat& stat) override;
    size_t describe(char* buffer, size_t capacity) override;
    ErrorOr<long> ioctl(uint32_t request, uint64_t argument) override;

    // Linux's default net.core.rmem_default: what the queue holds before it drops.
    static constexpr size_t receive_limit = 212992;

    ListNode node; // in the list of every netlink socket, for port ids

private:
    explicit NetlinkSocketFile(int type) : m_type(type) {}
    // Queues one answer.
    void deliver(const uint8_t* data, size_t length) override;
    // No answer is longer (route_netlink's dumps stay well under it).
    static constexpr size_t largest_datagram = 4096;

    struct Datagram {
        Datagram* next;
        size_t length;
        uint8_t bytes[];
    };
    int m_type;
    uint32_t m_port = 0;
    bool m_bound = false;
    bool m_overrun = false;
    Datagram* m_first = nullptr;
    Datagram* m_last = nullptr;
    size_t m_queued = 0;
    Readiness m_readiness;
};

} // namespace kernel
