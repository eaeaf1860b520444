#include "routes.h"

#include "memory_figures.h"

#include <string_view>

namespace http {
namespace {

constexpr std::string_view page = R"(<!DOCTYPE html>
<html>
<head><title>Ingot HTTP example</title></head>
<body>
<h1>Hello from Ingot</h1>
<p>A static C++ program serving HTTP/1.1 with epoll: unmodified, on Linux or as a unikernel.</p>
<p>Try <a href="/bytes/1024">/bytes/1024</a> or <a href="/stats">/stats</a>.</p>
</body>
</html>
)";

std::string_view reason(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 501:
        return "Not Implemented";
    default:
        return "Error";
    }
}

std::string make_head(int status, std::string_view content_type, std::uint64_t length,
                      bool keep_alive, std::string_view extra_headers = {}) {
    std::string head = "HTTP/1.1 " + std::to_string(status) + " ";
    head += reason(status);
    head += "\r\nServer: ingot-example\r\nContent-Type: ";
    head += content_type;
    head += "\r\nContent-Length: " + std::to_string(length);
    head += keep_alive ? "\r\nConnection: keep-alive\r\n" : "\r\nConnection: close\r\n";
    head += extra_headers;
    head += "\r\n";
    return head;
}

Response text(int status, std::string body, bool keep_alive, std::string_view extra = {}) {
    Response response;
    response.head = make_head(status, "text/plain", body.size(), keep_alive, extra);
    response.body = std::move(body);
    return response;
}

// "/bytes/N": N in decimal, at most 2^40 (1 TiB), nothing after it.
bool parse_bytes_target(std::string_view target, std::uint64_t& count) {
    constexpr std::string_view prefix = "/bytes/";
    if (target.substr(0, prefix.size()) != prefix)
        return false;
    std::string_view digits = target.substr(prefix.size());
    if (digits.empty() || digits.size() > 13)
        return false;
    count = 0;
    for (char c : digits) {
        if (c < '0' || c > '9')
            return false;
        count = count * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return count <= (std::uint64_t{1} << 40);
}

std::string stats_body(const ServerCounters& counters) {
    MemoryFigures memory = measure_memory();
    std::string body;
    auto line = [&](std::string_view name, std::uint64_t value) {
        body += name;
        body += ' ';
        body += std::to_string(value);
        body += '\n';
    };
    line("connections_open", counters.connections_open);
    line("connections_accepted", counters.connections_accepted);
    line("requests", counters.requests);
    line("bad_requests", counters.bad_requests);
    line("heap_in_use_bytes", memory.heap_in_use_bytes);
    line("heap_footprint_bytes", memory.heap_footprint_bytes);
    if (memory.max_rss_kib)
        line("max_rss_kib", memory.max_rss_kib);
    line("system_memory_in_use_bytes", memory.system_in_use_bytes);
    return body;
}

} // namespace

Response route(const Request& request, const ServerCounters& counters) {
    bool head_only = request.method == "HEAD";
    Response response;
    std::uint64_t count = 0;
    if (request.method != "GET" && !head_only) {
        response = text(405, "method not allowed\n", request.keep_alive, "Allow: GET, HEAD\r\n");
    } else if (request.target == "/" || request.target == "/index.html") {
        response.head = make_head(200, "text/html", page.size(), request.keep_alive);
        response.body = page;
    } else if (request.target == "/stats") {
        response = text(200, stats_body(counters), request.keep_alive);
    } else if (parse_bytes_target(request.target, count)) {
        response.head = make_head(200, "application/octet-stream", count, request.keep_alive);
        response.generated_bytes = count;
    } else {
        response = text(404, "not found\n", request.keep_alive);
    }
    if (head_only) {
        response.body.clear();
        response.generated_bytes = 0;
    }
    return response;
}

Response error_response(int status) {
    return text(status, std::string(reason(status)) + "\n", false);
}

} // namespace http
