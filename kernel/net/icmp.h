// ICMP (RFC 792): echo replies, destination-unreachable for closed UDP ports (rate-limited, as
// RFC 1812 asks), and received errors handed to the transport whose datagram caused them.
#pragma once

#include "net/address.h"
#include "net/environment.h"
#include "net/error_rate_limit.h"
#include "net/ipv4.h"
#include "net/stack.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

namespace icmp_type {
inline constexpr uint8_t echo_reply = 0;
inline constexpr uint8_t destination_unreachable = 3;
inline constexpr uint8_t echo_request = 8;
inline constexpr uint8_t time_exceeded = 11;
inline constexpr uint8_t parameter_problem = 12;
} // namespace icmp_type

namespace icmp_unreachable {
inline constexpr uint8_t network = 0;
inline constexpr uint8_t host = 1;
inline constexpr uint8_t protocol = 2;
inline constexpr uint8_t port = 3;
inline constexpr uint8_t fragmentation_needed = 4;
} // namespace icmp_unreachable

namespace icmp_time_exceeded {
inline constexpr uint8_t time_to_live = 0;
inline constexpr uint8_t reassembly = 1;
} // namespace icmp_time_exceeded

inline constexpr size_t icmp_header_length = 8;

// Who hears about an ICMP error: `quoted` is the start of the transport header of a datagram
// we sent from `local` to `remote`, as the error quotes it (at least 8 bytes).
// `next_hop_mtu` is the MTU a "fragmentation needed" error reports (RFC 1191 4), else 0.
class IcmpErrorSink {
public:
    virtual ~IcmpErrorSink() = default;
    virtual void receive_icmp_error(uint8_t protocol, Ipv4Address local, Ipv4Address remote,
                                    const uint8_t* quoted, size_t length, int error,
                                    size_t next_hop_mtu) = 0;
};

class IcmpLayer {
public:
    IcmpLayer(Ipv4Layer& ip, const Environment& environment, StackStatistics& statistics,
              IcmpErrorSink& sink);

    void receive(const Ipv4Datagram& datagram);
    // Tells the sender of `offending` that nothing listens on its destination port.
    void send_port_unreachable(const Ipv4Datagram& offending);
    // Tells the sender of a datagram whose reassembly was given up, quoting its first fragment
    // (`header` and `length` bytes of payload).
    void send_reassembly_time_exceeded(const Ipv4Header& header, const uint8_t* first,
                                       size_t length);

    uint64_t errors_rate_limited() const { return m_rate_limited; }

private:
    void reply_to_echo(const Ipv4Datagram& request);
    void receive_error(const Ipv4Datagram& datagram, int error);
    bool take_error_token();

    Ipv4Layer& m_ip;
    const Environment& m_environment;
    StackStatistics& m_statistics;
    IcmpErrorSink& m_sink;
    ErrorRateLimit m_error_limit;
    uint64_t m_rate_limited = 0;
};

} // namespace kernel::net
