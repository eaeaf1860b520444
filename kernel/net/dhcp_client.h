// The DHCP client (RFC 2131): DISCOVER, OFFER, REQUEST, ACK to bind a lease; retransmission
// with exponential backoff; renewal with the server at T1 and with anyone at T2; a NAK or an
// expired lease starts over.
#pragma once

#include "net/address.h"
#include "net/dhcp_message.h"
#include "net/environment.h"
#include "net/udp/udp_layer.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

struct DhcpLease {
    Ipv4Address address;
    uint8_t prefix_length = 0;
    Ipv4Address router;
    Ipv4Address dns_server;
    Ipv4Address server;
    uint32_t lease_seconds = 0;
};

// What the client needs from the stack around it.
class DhcpHost {
public:
    virtual ~DhcpHost() = default;
    // A message from port 68 to port 67.
    virtual void send_dhcp(Ipv4Address source, Ipv4Address destination, const uint8_t* message,
                           size_t length) = 0;
    virtual void dhcp_bound(const DhcpLease& lease) = 0;
    virtual void dhcp_lost() = 0;
};

class DhcpClient final : public DatagramReceiver {
public:
    enum class State { stopped, init, selecting, requesting, bound, renewing, rebinding };

    static constexpr uint64_t second_ns = 1'000'000'000;
    static constexpr uint64_t initial_timeout_ns = 4 * second_ns;
    static constexpr uint64_t max_timeout_ns = 64 * second_ns;
    static constexpr uint64_t min_renewal_retry_ns = 60 * second_ns;
    static constexpr unsigned request_attempts = 4;
    static constexpr uint8_t default_prefix_length = 24;

    DhcpClient(DhcpHost& host, const Environment& environment, MacAddress mac);

    // Starts over from DISCOVER; stop() forgets everything (no RELEASE is sent).
    void start();
    void stop();
    State state() const { return m_state; }

    void receive_udp(Ipv4Endpoint from, const uint8_t* payload, size_t length) override;

    void run_timers(uint64_t now);
    // 0 when stopped.
    uint64_t next_deadline_ns() const { return m_state == State::stopped ? 0 : m_deadline; }

private:
    void send_discover(uint64_t now);
    void send_request(uint64_t now);
    void retransmit_later(uint64_t now);
    void renewal_retry_later(uint64_t now, uint64_t limit);
    void bind(const DhcpMessage& ack, uint64_t now);
    void restart(uint64_t now);

    DhcpHost& m_host;
    const Environment& m_environment;
    MacAddress m_mac;
    State m_state = State::stopped;
    uint32_t m_transaction_id = 0;
    uint64_t m_deadline = 0;
    uint64_t m_timeout = initial_timeout_ns;
    unsigned m_attempts = 0;
    Ipv4Address m_offered;
    Ipv4Address m_server;
    DhcpLease m_lease;
    uint64_t m_renew_at = 0;
    uint64_t m_rebind_at = 0;
    uint64_t m_expires_at = 0;
};

} // namespace kernel::net
