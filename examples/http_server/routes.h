// What the server answers: the page at /, N bytes of generated data at /bytes/N, the server's
// own figures at /stats, 404 for anything else.
#pragma once

#include "http_request.h"

#include <cstdint>
#include <string>

namespace http {

// The server's figures, reported at /stats.
struct ServerCounters {
    std::uint64_t connections_open = 0;
    std::uint64_t connections_accepted = 0;
    std::uint64_t requests = 0;
    std::uint64_t bad_requests = 0;
};

struct Response {
    std::string head;                  // status line and headers, ending with the blank line
    std::string body;                  // a body held in memory
    std::uint64_t generated_bytes = 0; // or a body of generated_byte(0..n-1), made as it is sent
};

// The byte at `offset` of every /bytes/N body: a pattern a client can check without a copy.
inline char generated_byte(std::uint64_t offset) {
    return static_cast<char>('a' + (offset % 26));
}

Response route(const Request& request, const ServerCounters& counters);

// The answer to a request that could not be parsed (400) or uses chunked bodies (501); the
// connection closes after it.
Response error_response(int status);

} // namespace http
