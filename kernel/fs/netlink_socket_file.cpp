#include "fs/netlink_socket_file.h"

#include "fs/file_wait.h"
#include "fs/socket_identity.h"
#include "lib/string.h"
#include "linux/interface_ioctl.h"
#include "mm/kmalloc.h"
#include "mm/user_memory.h"
#include "net/interface_requests.h"
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

ErrorOr<size_t> NetlinkSocketFile::send(const IoVector* vectors, size_t count, size_t total) {
    if (total > receive_limit)
        return EMSGSIZE;
    auto* data = static_cast<uint8_t*>(kmalloc(total ? total : 1));
    if (!data)
        return ENOMEM;
    struct Owned {
        uint8_t* bytes;
        ~Owned() { kfree(bytes); }
    } owned{data};
    for (size_t i = 0, at = 0; i < count; at += vectors[i++].length)
        TRY(copy_from_user(data + at, vectors[i].base, vectors[i].length));
    net::interfaces::Facts facts;
    net::interface_facts(facts);
    net::netlink::answer(data, total, port(), facts, *this);
    return total;
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

ErrorOr<NetlinkSocketFile::Received> NetlinkSocketFile::receive(const IoVector* vectors,
                                                                size_t count, size_t total,
                                                                bool peek, bool dont_wait) {
    uint8_t buffer[largest_datagram];
    auto attempt = [&]() -> ErrorOr<size_t> {
        if (m_overrun) {
            m_overrun = false;
            return ENOBUFS;
        }
        if (!m_first)
            return EAGAIN;
        Datagram* datagram = m_first;
        memcpy(buffer, datagram->bytes, min(sizeof buffer, datagram->length));
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
    size_t length = TRY(dont_wait ? attempt() : retry_until_ready(*this, poll_event::in, attempt));
    size_t copied = min(length, total);
    for (size_t i = 0, at = 0; i < count && at < copied; ++i) {
        size_t part = min<size_t>(vectors[i].length, copied - at);
        TRY(copy_to_user(vectors[i].base, buffer + at, part));
        at += part;
    }
    return Received{length, copied};
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
    IoVector vector{user_buffer, length};
    return TRY(receive(&vector, 1, length, false, false)).copied;
}

ErrorOr<size_t> NetlinkSocketFile::write(uint64_t user_buffer, size_t length) {
    IoVector vector{user_buffer, length};
    return send(&vector, 1, length);
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
    if (net::interfaces::is_socket_request(request))
        return interface_ioctl(request, argument, false);
    if (request != fionread)
        return ENOTTY;
    TRY(write_user(argument, static_cast<int>(m_first ? m_first->length : 0)));
    return 0L;
}

} // namespace kernel
