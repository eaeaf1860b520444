#include "http_request.h"

#include <algorithm>
#include <cctype>

namespace http {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// RFC 9110 token characters: what a method and a header name may contain.
bool is_token(std::string_view s) {
    if (s.empty())
        return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    });
}

bool parse_decimal(std::string_view s, std::uint64_t& value) {
    if (s.empty() || s.size() > 18)
        return false;
    value = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return true;
}

// Does a comma-separated header value list the given option (as "Connection: keep-alive, x")?
bool lists_option(std::string_view value, std::string_view option) {
    while (!value.empty()) {
        std::size_t comma = value.find(',');
        if (equals_ignoring_case(trim(value.substr(0, comma)), option))
            return true;
        if (comma == std::string_view::npos)
            break;
        value.remove_prefix(comma + 1);
    }
    return false;
}

bool parse_request_line(std::string_view line, Request& request) {
    std::size_t first_space = line.find(' ');
    std::size_t last_space = line.rfind(' ');
    if (first_space == std::string_view::npos || first_space == last_space)
        return false;
    std::string_view method = line.substr(0, first_space);
    std::string_view target = line.substr(first_space + 1, last_space - first_space - 1);
    std::string_view version = line.substr(last_space + 1);
    if (!is_token(method) || target.empty() || target.find(' ') != std::string_view::npos)
        return false;
    if (version.size() != 8 || version.substr(0, 7) != "HTTP/1." || version[7] < '0' ||
        version[7] > '9')
        return false;
    request.method = method;
    request.target = target;
    request.minor_version = version[7] - '0';
    request.keep_alive = request.minor_version >= 1;
    return true;
}

} // namespace

ParseStatus parse_request(std::string_view input, Request& request) {
    // Blank lines before a request are allowed (RFC 9112 2.2).
    std::size_t start = 0;
    while (start + 1 < input.size() && input[start] == '\r' && input[start + 1] == '\n')
        start += 2;
    std::size_t end = input.find("\r\n\r\n", start);
    if (end == std::string_view::npos)
        return input.size() > max_head_bytes ? ParseStatus::bad : ParseStatus::incomplete;
    if (end + 4 > max_head_bytes)
        return ParseStatus::bad;
    std::string_view head = input.substr(start, end + 2 - start);

    request = Request{};
    std::size_t line_end = head.find("\r\n");
    if (!parse_request_line(head.substr(0, line_end), request))
        return ParseStatus::bad;
    bool have_length = false;
    for (std::size_t pos = line_end + 2; pos < head.size();) {
        std::size_t next = head.find("\r\n", pos);
        std::string_view line = head.substr(pos, next - pos);
        pos = next + 2;
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || !is_token(line.substr(0, colon)))
            return ParseStatus::bad;
        std::string_view name = line.substr(0, colon);
        std::string_view value = trim(line.substr(colon + 1));
        if (equals_ignoring_case(name, "connection")) {
            if (lists_option(value, "close"))
                request.keep_alive = false;
            else if (lists_option(value, "keep-alive"))
                request.keep_alive = true;
        } else if (equals_ignoring_case(name, "content-length")) {
            std::uint64_t length = 0;
            if (!parse_decimal(value, length) || (have_length && length != request.body_bytes))
                return ParseStatus::bad;
            request.body_bytes = length;
            have_length = true;
        } else if (equals_ignoring_case(name, "transfer-encoding")) {
            return ParseStatus::unsupported;
        }
    }
    request.head_bytes = end + 4;
    return ParseStatus::complete;
}

} // namespace http
