// ICMPv6 (RFC 4443): echo replies, the errors we owe senders (rate-limited by a token bucket,
// as Linux's net.ipv6.icmp.ratelimit), packet-too-big recorded per destination for the path
// MTU, and neighbour discovery's messages handed to the IPv6 layer.
#pragma once

#include "net/environment.h"
#include "net/error_rate_limit.h"
#include "net/ipv6.h"
#include "net/stack.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

namespace icmpv6_type {
inline constexpr uint8_t destination_unreachable = 1;
inline constexpr uint8_t packet_too_big = 2;
inline constexpr uint8_t time_exceeded = 3;
inline constexpr uint8_t parameter_problem = 4;
inline constexpr uint8_t echo_request = 128;
inline constexpr uint8_t echo_reply = 129;
inline constexpr uint8_t router_solicitation = 133;
inline constexpr uint8_t router_advertisement = 134;
inline constexpr uint8_t neighbour_solicitation = 135;
inline constexpr uint8_t neighbour_advertisement = 136;
inline constexpr uint8_t redirect = 137;
} // namespace icmpv6_type

namespace icmpv6_unreachable {
inline constexpr uint8_t no_route = 0;
inline constexpr uint8_t address = 3;
inline constexpr uint8_t port = 4;
} // namespace icmpv6_unreachable

namespace icmpv6_time_exceeded {
inline constexpr uint8_t hop_limit = 0;
inline constexpr uint8_t reassembly = 1;
} // namespace icmpv6_time_exceeded

inline constexpr size_t icmpv6_header_length = 8;

// Where destination-unreachable and packet-too-big messages about our packets go: the
// transport that sent them. `quoted` is the start of our transport header as the message
// quotes it; `remote` the destination we sent to; `error` the errno it means (RFC 4443 3.1
// codes as Linux maps them; EMSGSIZE for packet too big, with the `mtu` it reports, 0 else).
class Icmpv6ErrorSink {
public:
    virtual ~Icmpv6ErrorSink() = default;
    virtual void receive_icmp6_error(uint8_t protocol, const Ipv6Address& remote,
                                     const uint8_t* quoted, size_t length, int error,
                                     size_t mtu) = 0;
};

class Icmpv6Layer {
public:
    Icmpv6Layer(Ipv6Layer& ip, const Environment& environment, StackStatistics& statistics);

    void set_error_sink(Icmpv6ErrorSink* sink) { m_errors = sink; }

    void receive(const Ipv6Datagram& datagram);

    // Tells the sender of the packet `offending` (`length` bytes from its IPv6 header) what
    // went wrong: `parameter` is the pointer of a parameter problem, the MTU of a packet too
    // big, else 0. Never about an ICMPv6 error or a redirect, nor to a source that cannot be
    // answered (RFC 4443 2.4 e); whether a multicast destination deserves it is the caller's
    // call (e.3).
    void send_error(uint8_t type, uint8_t code, uint32_t parameter, const Ipv6Header& header,
                    const uint8_t* offending, size_t length);
    void send_parameter_problem(const Ipv6Header& header, const uint8_t* offending, size_t length,
                                uint8_t code, uint32_t pointer) {
        send_error(icmpv6_type::parameter_problem, code, pointer, header, offending, length);
    }

private:
    void reply_to_echo(const Ipv6Datagram& request);
    void receive_packet_too_big(const Ipv6Datagram& datagram);
    void receive_destination_unreachable(const Ipv6Datagram& datagram);
    bool take_error_token();

    Ipv6Layer& m_ip;
    const Environment& m_environment;
    StackStatistics& m_statistics;
    ErrorRateLimit m_error_limit;
    Icmpv6ErrorSink* m_errors = nullptr;
};

} // namespace kernel::net
