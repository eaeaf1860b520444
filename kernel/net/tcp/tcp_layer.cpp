#include "net/tcp/tcp_layer.h"

#include "net/tcp/tcp_table.h"

namespace kernel::net {

struct TcpLayer::State : tcp::TcpTable {
    using TcpTable::TcpTable;
};

TcpLayer::TcpLayer(IpOutput& ip, Ip6Output& ip6, const Environment& environment)
    : m_state(new State(ip, ip6, environment)) {}

TcpLayer::~TcpLayer() {
    delete m_state;
}

TcpSocket* TcpLayer::create_socket(bool ipv6) {
    return m_state ? m_state->create_connection(ipv6) : nullptr;
}

void TcpLayer::receive(const IpAddress& source, const IpAddress& destination,
                       const uint8_t* segment, size_t length, bool checksum_verified) {
    if (m_state)
        m_state->receive(source, destination, segment, length, checksum_verified);
}

void TcpLayer::receive_icmp_error(const IpAddress& remote, const uint8_t* quoted, size_t length,
                                  int error, size_t next_hop_mtu) {
    if (m_state)
        m_state->receive_icmp_error(remote, quoted, length, error, next_hop_mtu);
}

void TcpLayer::run_timers() {
    if (m_state)
        m_state->run_timers();
}

uint64_t TcpLayer::next_deadline_ns() const {
    return m_state ? m_state->next_deadline_ns() : 0;
}

void TcpLayer::list(SocketVisitor& visitor) {
    if (m_state)
        m_state->list(visitor);
}

bool TcpLayer::has_undelivered_output() const {
    return m_state && m_state->has_undelivered_output();
}

const TcpStatistics& TcpLayer::statistics() const {
    static constexpr TcpStatistics none{};
    return m_state ? m_state->statistics() : none;
}

} // namespace kernel::net
