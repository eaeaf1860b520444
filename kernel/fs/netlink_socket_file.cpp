#include "fs/netlink_socket_file.h"

#include "fs/file_wait.h"
#include "fs/socket_identity.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/user_memory.h"
#include "net/netlink/route_netlink.h"
#include "net/network.h"

namespace kernel {

namespace {

IntrusiveList<NetlinkSocketFile, &NetlinkSocketFile::node> sockets;
// The program's pid, which Linux's autobind tries first.
constexpr uint32_t program_pid = 1;
// Then -4096, -4097, ... (netlink_autobind).
uint32_t next_port = static_cast<uint32_t>(-4096);

bool port_in_use(uint32_t port, const NetlinkSocketFile* except) {
    for (NetlinkSocketFile& socket : sockets)
        if (&socket != except && socket.port_if_bound() == port)
            return true;
    return false;
}

struct QueueReplies final : net::netlink::Replies {
    explicit QueueReplies(NetlinkSocketFile& socket) : socket(socket) {}
    void deliver(const uint8_t* datagram, size_t length) override {
        socket.deliver(datagram, length);
    }
    NetlinkSocketFile& socket;
};

} // namespace

ErrorOr<NetlinkSocketFile*> NetlinkSocketFile::create(int type) {
    auto* file = new NetlinkSocketFile(type);
    if (!file)
        return ENOMEM;
    sockets.append(*file);
    return file;
}

NetlinkSocketFile::~NetlinkSocketFile() {
    decltype(sockets)::remove(*this);
    while (m_first) {
        Datagram* next = m_first->next;
        kfree(m_first);
        m_first = next;
    }
}

uint32_t NetlinkSocketFile::port() {
    if (!m_bound) {
        uint32_t port = program_pid;
        while (port_in_use(port, this))
            port = next_port--;
        m_port = port;
        m_bound = true;
    }
    return m_port;
}

ErrorOr<void> NetlinkSocketFile::bind(uint32_t port) {
    // netlink_bind: a bound socket takes only its own port id again.
    if (m_bound)
        return port == m_port ? ErrorOr<void>{} : ErrorOr<void>(Error(EINVAL));
    if (port == 0) {
        (void)this->port();
        return {};
    }
    if (port_in_use(port, this))
        return EADDRINUSE;
    m_port = port;
    m_bound = true;
    return {};
}

void NetlinkSocketFile::send(const uint8_t* data, size_t length) {
    net::netlink::Facts facts;
    net::route_facts(facts);
    QueueReplies replies(*this);
    net::netlink::answer(data, length, port(), facts, replies);
}

void NetlinkSocketFile::deliver(const uint8_t* data, size_t length) {
    if (m_queued + length > receive_limit) {
        m_overrun = true;
        return;
    }
    auto* datagram = static_cast<Datagram*>(kmalloc(sizeof(Datagram) + length));
    if (!datagram) {
        m_overrun = true;
        return;
    }
    datagram->next = nullptr;
    datagram->length = length;
    memcpy(datagram->bytes, data, length);
    if (m_last)
        m_last->next = datagram;
    else
        m_first = datagram;
    m_last = datagram;
    m_queued += length;
    m_readiness.notify(poll_events());
}

ErrorOr<size_t> NetlinkSocketFile::receive(uint8_t* buffer, size_t capacity, bool peek,
                                           bool dont_wait) {
    auto attempt = [&]() -> ErrorOr<size_t> {
        if (m_overrun) {
            m_overrun = false;
            return ENOBUFS;
        }
        if (!m_first)
            return EAGAIN;
        Datagram* datagram = m_first;
        memcpy(buffer, datagram->bytes, min(capacity, datagram->length));
        size_t length = datagram->length;
        if (!peek) {
            m_first = datagram->next;
            if (!m_first)
                m_last = nullptr;
            m_queued -= length;
            kfree(datagram);
        }
        return length;
    };
    if (dont_wait)
        return attempt();
    return retry_until_ready(*this, poll_event::in, attempt);
}

uint32_t NetlinkSocketFile::poll_events() {
    uint32_t events = poll_event::out | poll_event::write_normal;
    if (m_first)
        events |= poll_event::in | poll_event::read_normal;
    if (m_overrun)
        events |= poll_event::error;
    return events;
}

ErrorOr<size_t> NetlinkSocketFile::read(uint64_t user_buffer, size_t length) {
    TRY(user_range(user_buffer, length, Access::Write));
    uint8_t datagram[largest_datagram];
    size_t full = TRY(receive(datagram, sizeof datagram, false, false));
    size_t copied = min(full, length);
    TRY(copy_to_user(user_buffer, datagram, copied));
    return copied;
}

ErrorOr<size_t> NetlinkSocketFile::write(uint64_t user_buffer, size_t length) {
    if (length > receive_limit)
        return EMSGSIZE;
    auto* copy = static_cast<uint8_t*>(kmalloc(length ? length : 1));
    if (!copy)
        return ENOMEM;
    auto copied = copy_from_user(copy, user_buffer, length);
    if (!copied.is_error())
        send(copy, length);
    kfree(copy);
    TRY(move(copied));
    return length;
}

ErrorOr<void> NetlinkSocketFile::stat(LinuxStat& stat) {
    socket_stat(stat, this);
    return {};
}

size_t NetlinkSocketFile::describe(char* buffer, size_t capacity) {
    return describe_socket(buffer, capacity, this);
}

// FIONREAD: the first datagram's length, as Linux answers for datagram sockets.
ErrorOr<long> NetlinkSocketFile::ioctl(uint32_t request, uint64_t argument) {
    constexpr uint32_t fionread = 0x541b;
    if (request != fionread)
        return ENOTTY;
    TRY(write_user(argument, static_cast<int>(m_first ? m_first->length : 0)));
    return 0L;
}

} // namespace kernel
