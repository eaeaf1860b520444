// A minimal TcpLayer so that the stack links in the unit tests and the fuzz target before the
// real one (kernel/net/tcp/) is merged; the integrator deletes this file then. It records
// what the stack hands it and accepts no sockets.
#include "fake_tcp_layer.h"

#include "lib/string.h"
#include "lib/utility.h"
#include "net/tcp/tcp_layer.h"

namespace kernel_test {

FakeTcpLog& fake_tcp_log() {
    static FakeTcpLog log;
    return log;
}

} // namespace kernel_test

namespace kernel::net {

struct TcpLayer::State {
    TcpStatistics statistics;
};

TcpLayer::TcpLayer(IpOutput& ip, const Environment&) : m_state(new State) {
    kernel_test::fake_tcp_log() = {};
    kernel_test::fake_tcp_log().ip = &ip;
}

TcpLayer::~TcpLayer() {
    delete m_state;
}

TcpSocket* TcpLayer::create_socket() {
    return nullptr;
}

void TcpLayer::receive(Ipv4Address source, Ipv4Address destination, const uint8_t* segment,
                       size_t length, bool checksum_verified) {
    auto& log = kernel_test::fake_tcp_log();
    ++log.segments;
    ++m_state->statistics.segments_received;
    log.last_source = source;
    log.last_destination = destination;
    log.last_length = min(length, sizeof log.last_segment);
    memcpy(log.last_segment, segment, log.last_length);
    log.last_checksum_verified = checksum_verified;
}

void TcpLayer::receive_icmp_error(Ipv4Address remote, const uint8_t*, size_t length, int error) {
    auto& log = kernel_test::fake_tcp_log();
    ++log.icmp_errors;
    log.last_icmp_remote = remote;
    log.last_icmp_error = error;
    log.last_icmp_quoted_length = length;
}

void TcpLayer::run_timers() {
    ++kernel_test::fake_tcp_log().timer_runs;
}

uint64_t TcpLayer::next_deadline_ns() const {
    return 0;
}

const TcpStatistics& TcpLayer::statistics() const {
    return m_state->statistics;
}

} // namespace kernel::net
