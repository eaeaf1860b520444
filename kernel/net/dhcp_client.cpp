#include "net/dhcp_client.h"

#include "lib/utility.h"

namespace kernel::net {

namespace {

uint8_t prefix_length_of(Ipv4Address mask) {
    uint8_t length = 0;
    while (length < 32 && (mask.value & (0x80000000u >> length)))
        ++length;
    return length;
}

} // namespace

DhcpClient::DhcpClient(DhcpHost& host, const Environment& environment, MacAddress mac)
    : m_host(host), m_environment(environment), m_mac(mac) {}

void DhcpClient::start() {
    restart(m_environment.now_ns());
}

void DhcpClient::stop() {
    m_state = State::stopped;
}

void DhcpClient::restart(uint64_t now) {
    m_state = State::init;
    m_deadline = now;
    m_offered = {};
    m_server = {};
}

// RFC 2131 4.1: 4 s doubling to 64 s, each randomized by up to a second so that clients that
// booted together do not stay in step.
void DhcpClient::retransmit_later(uint64_t now) {
    uint32_t jitter = 0;
    m_environment.fill_random(&jitter, sizeof jitter);
    m_deadline = now + m_timeout + jitter % second_ns;
    m_timeout = min(m_timeout * 2, max_timeout_ns);
}

// RFC 2131 4.4.5: half the time left until `limit`, but not below a minute.
void DhcpClient::renewal_retry_later(uint64_t now, uint64_t limit) {
    uint64_t wait = max((limit - now) / 2, min_renewal_retry_ns);
    m_deadline = min(now + wait, limit);
}

void DhcpClient::send_discover(uint64_t now) {
    m_environment.fill_random(&m_transaction_id, sizeof m_transaction_id);
    DhcpMessage message;
    message.op = 1;
    message.transaction_id = m_transaction_id;
    message.broadcast = true;
    message.client_mac = m_mac;
    message.type = dhcp_message_type::discover;
    uint8_t data[dhcp_message_size];
    size_t length = write_dhcp_message(data, message);
    m_host.send_dhcp(Ipv4Address::any(), Ipv4Address::limited_broadcast(), data, length);
    ++m_attempts;
    retransmit_later(now);
}

void DhcpClient::send_request(uint64_t now) {
    DhcpMessage message;
    message.op = 1;
    message.transaction_id = m_transaction_id;
    message.client_mac = m_mac;
    message.type = dhcp_message_type::request;
    Ipv4Address source = Ipv4Address::any();
    Ipv4Address destination = Ipv4Address::limited_broadcast();
    if (m_state == State::requesting) {
        // Selecting: name the offer taken, so other servers withdraw theirs.
        message.broadcast = true;
        message.requested_address = m_offered;
        message.server_identifier = m_server;
    } else {
        // Renewing and rebinding: the lease's address speaks for itself (ciaddr).
        message.client_address = m_lease.address;
        source = m_lease.address;
        if (m_state == State::renewing)
            destination = m_server;
    }
    uint8_t data[dhcp_message_size];
    size_t length = write_dhcp_message(data, message);
    m_host.send_dhcp(source, destination, data, length);
    ++m_attempts;
}

void DhcpClient::bind(const DhcpMessage& ack, uint64_t now) {
    m_lease.address = ack.your_address;
    m_lease.prefix_length =
        ack.subnet_mask.is_any() ? default_prefix_length : prefix_length_of(ack.subnet_mask);
    m_lease.router = ack.router;
    m_lease.dns_server = ack.dns_server;
    if (!ack.server_identifier.is_any())
        m_server = ack.server_identifier;
    m_lease.server = m_server;
    m_lease.lease_seconds = ack.lease_seconds;
    uint64_t lease_ns = uint64_t(ack.lease_seconds) * second_ns;
    uint64_t renew_ns = uint64_t(ack.renewal_seconds) * second_ns;
    uint64_t rebind_ns = uint64_t(ack.rebinding_seconds) * second_ns;
    if (rebind_ns == 0 || rebind_ns >= lease_ns)
        rebind_ns = lease_ns / 8 * 7;
    if (renew_ns == 0 || renew_ns >= rebind_ns)
        renew_ns = lease_ns / 2;
    m_renew_at = now + renew_ns;
    m_rebind_at = now + rebind_ns;
    m_expires_at = now + lease_ns;
    m_state = State::bound;
    m_deadline = m_renew_at;
    m_host.dhcp_bound(m_lease);
}

void DhcpClient::receive_udp(Ipv4Endpoint from, const uint8_t* payload, size_t length) {
    if (from.port != dhcp_server_port)
        return;
    DhcpMessage message;
    if (!parse_dhcp_message(payload, length, message) ||
        message.transaction_id != m_transaction_id || message.client_mac != m_mac)
        return;
    uint64_t now = m_environment.now_ns();
    switch (m_state) {
    case State::selecting:
        if (message.type != dhcp_message_type::offer || message.your_address.is_any() ||
            message.server_identifier.is_any())
            return;
        m_offered = message.your_address;
        m_server = message.server_identifier;
        m_state = State::requesting;
        m_attempts = 0;
        m_timeout = initial_timeout_ns;
        send_request(now);
        retransmit_later(now);
        return;
    case State::requesting:
    case State::renewing:
    case State::rebinding: {
        bool from_our_server = m_state == State::rebinding || message.server_identifier.is_any() ||
                               message.server_identifier == m_server;
        if (!from_our_server)
            return;
        if (message.type == dhcp_message_type::ack) {
            if (message.your_address.is_any() || message.lease_seconds == 0)
                return;
            bind(message, now);
        } else if (message.type == dhcp_message_type::nak) {
            if (m_state != State::requesting)
                m_host.dhcp_lost();
            restart(now);
        }
        return;
    }
    default:
        return;
    }
}

void DhcpClient::run_timers(uint64_t now) {
    if (m_state == State::stopped || now < m_deadline)
        return;
    switch (m_state) {
    case State::init:
        m_state = State::selecting;
        m_attempts = 0;
        m_timeout = initial_timeout_ns;
        send_discover(now);
        return;
    case State::selecting:
        send_discover(now);
        return;
    case State::requesting:
        if (m_attempts >= request_attempts) {
            restart(now);
            run_timers(now);
            return;
        }
        send_request(now);
        retransmit_later(now);
        return;
    case State::bound:
    case State::renewing:
        if (now < m_rebind_at) {
            if (m_state == State::bound)
                m_environment.fill_random(&m_transaction_id, sizeof m_transaction_id);
            m_state = State::renewing;
            send_request(now);
            renewal_retry_later(now, m_rebind_at);
            return;
        }
        m_state = State::rebinding;
        [[fallthrough]];
    case State::rebinding:
        if (now >= m_expires_at) {
            m_host.dhcp_lost();
            restart(now);
            run_timers(now);
            return;
        }
        send_request(now);
        renewal_retry_later(now, m_expires_at);
        return;
    default:
        return;
    }
}

} // namespace kernel::net
