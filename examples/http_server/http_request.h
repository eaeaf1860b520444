// Parsing one HTTP/1.x request head (request line and headers) from the bytes received so far.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace http {

struct Request {
    std::string method;
    std::string target;
    int minor_version = 1;        // HTTP/1.<minor_version>
    bool keep_alive = true;       // after the Connection header and the version's default
    std::uint64_t body_bytes = 0; // Content-Length: the body follows the head and is skipped
    std::size_t head_bytes = 0;   // the head's length, up to and including the blank line
};

enum class ParseStatus {
    complete,   // the head is all there: the request is filled in
    incomplete, // more bytes are needed
    bad,        // not a request we can answer: reply 400 and close
    unsupported // a body framing we do not implement (chunked): reply 501 and close
};

// The longest head accepted; a longer one is a bad request rather than an unbounded buffer.
constexpr std::size_t max_head_bytes = 16 * 1024;

ParseStatus parse_request(std::string_view input, Request& request);

} // namespace http
