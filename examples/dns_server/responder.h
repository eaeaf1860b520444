// Answering one DNS query (RFC 1035, with EDNS(0) from RFC 6891) from a zone.
#pragma once

#include "zone.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace dns {

enum Rcode : std::uint8_t {
    rcode_noerror = 0,
    rcode_formerr = 1,
    rcode_nxdomain = 3,
    rcode_notimp = 4,
    rcode_refused = 5,
};

// The response to send back, or nothing when the message deserves no answer: shorter than a
// header, or itself a response.
std::optional<std::vector<std::uint8_t>> respond(std::span<const std::uint8_t> query,
                                                 const Zone& zone);

} // namespace dns
