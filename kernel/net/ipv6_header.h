// The IPv6 header (RFC 8200 3) and the walk over its extension headers (RFC 8200 4) to the
// upper-layer header: what a host does with each, and the ICMPv6 parameter problem it owes
// the sender when it cannot go on.
#pragma once

#include "net/address.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

inline constexpr size_t ipv6_header_length = 40;
// Every IPv6 link carries packets this large (RFC 8200 5).
inline constexpr size_t ipv6_minimum_mtu = 1280;
// The payload length field's limit: longer packets are jumbograms (RFC 2675), which no link
// here carries.
inline constexpr size_t ipv6_max_payload = 65535;
// The fragment header (RFC 8200 4.5): next header, reserved, offset and M flag, identification.
inline constexpr size_t ipv6_fragment_header_length = 8;

namespace ipv6_next_header {
inline constexpr uint8_t hop_by_hop = 0;
inline constexpr uint8_t tcp = 6;
inline constexpr uint8_t udp = 17;
inline constexpr uint8_t routing = 43;
inline constexpr uint8_t fragment = 44;
inline constexpr uint8_t icmpv6 = 58;
inline constexpr uint8_t no_next_header = 59;
inline constexpr uint8_t destination_options = 60;
} // namespace ipv6_next_header

struct Ipv6Header {
    uint8_t traffic_class = 0;
    uint32_t flow_label = 0;
    size_t payload_length = 0; // after the 40-byte header, extension headers included
    uint8_t next_header = 0;
    uint8_t hop_limit = 64;
    Ipv6Address source;
    Ipv6Address destination;
};

enum class Ipv6HeaderCheck {
    valid,
    truncated,          // shorter than the header, or than the payload length says
    bad_version,        // not 6
    bad_payload_length, // 0: a jumbogram (RFC 2675), which Ethernet cannot carry
    bad_source,         // multicast (RFC 4291 2.7)
};

// Validates the fixed header of `packet` (which may carry link padding after the payload).
Ipv6HeaderCheck parse_ipv6_header(const uint8_t* packet, size_t length, Ipv6Header& header);
void write_ipv6_header(uint8_t* data, const Ipv6Header& header);
// The fragment header (RFC 8200 4.5) of the piece at `offset` bytes of a datagram whose
// fragmentable part starts with header `next_header`.
void write_ipv6_fragment_header(uint8_t* data, uint8_t next_header, size_t offset, bool more,
                                uint32_t identification);

// ICMPv6 parameter problem codes (RFC 4443 3.4).
namespace ipv6_parameter_problem {
inline constexpr uint8_t erroneous_field = 0;
inline constexpr uint8_t unrecognized_next_header = 1;
inline constexpr uint8_t unrecognized_option = 2;
// The first fragment does not hold every header through the upper-layer one (RFC 7112).
inline constexpr uint8_t incomplete_header_chain = 3;
} // namespace ipv6_parameter_problem

struct Ipv6Walk {
    enum class Outcome {
        upper,             // `protocol` starts at `offset`
        no_next_header,    // 59: nothing follows (RFC 8200 4.7)
        fragment,          // a fragment header at `offset`, whole within the packet
        malformed,         // an extension header runs past the packet: dropped
        discard,           // an option says to drop silently (RFC 8200 4.2, action 01)
        parameter_problem, // drop, and tell the sender: `code`, `pointer` into the packet
    };
    Outcome outcome = Outcome::malformed;
    uint8_t protocol = 0; // upper: the upper-layer protocol; otherwise the header that stopped
    size_t offset = 0;    // from the packet's first byte (the IPv6 header's)
    // upper: where the field naming `protocol` is (6 in the fixed header, or an extension
    // header's first byte), for a parameter problem about it.
    size_t next_header_field = 6;
    // parameter_problem: whether it is owed even to a multicast destination (RFC 4443 2.4 e.3).
    bool even_if_multicast = false;
    uint8_t code = 0;
    uint32_t pointer = 0;
};

// Walks from the fixed header of `packet` (`length` = 40 + payload length, already validated)
// to the upper-layer header. Any upper protocol is returned: whether it is known is for the
// caller to say. Every length is checked against `length`; each header is at least 8 bytes,
// so the walk ends.
Ipv6Walk walk_extension_headers(const uint8_t* packet, size_t length, bool multicast_destination);

// Skips hop-by-hop, routing and destination options headers by their lengths alone, without
// judging them, and a first fragment's fragment header (as Linux's ipv6_skip_exthdr), to find
// what a packet carries: for deciding whether it is an ICMPv6 error, which no error may answer.
// False when a header runs past `length`; `protocol` is the fragment header for a later
// fragment.
bool skip_extension_headers(const uint8_t* packet, size_t length, uint8_t& protocol,
                            size_t& offset);

// Whether `data` (a first fragment's payload, starting with header `protocol`) holds every
// extension header and the upper-layer header's fixed part, as RFC 7112 requires of a first
// fragment; the sizes are those Linux checks (ipv6frag_thdr_truncated).
bool holds_header_chain(uint8_t protocol, const uint8_t* data, size_t length);

} // namespace kernel::net
