// One client connection: reads requests, answers them in order, keeps the connection alive
// between them when the client asks for it.
#pragma once

#include "http_request.h"
#include "routes.h"

#include <cstdint>
#include <string>

namespace http {

class Connection {
public:
    explicit Connection(int fd) : fd_(fd) {}
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Does all that can be done without blocking: writes pending output, then reads and
    // answers requests until the socket has nothing more or cannot take more. The same call
    // serves readable and writable events, so it suits edge- and level-triggered epoll alike.
    // Returns false when the connection is finished and should be dropped.
    bool make_progress(ServerCounters& counters);

    // What the connection waits for now (for level-triggered epoll).
    bool wants_read() const { return !write_pending(); }
    bool wants_write() const { return write_pending(); }

private:
    enum class Flush { done, blocked, failed };
    enum class Fill { got_data, blocked, end_of_stream, failed };

    bool write_pending() const { return sent_ < output_.size() || generated_left_ > 0; }
    Flush flush();
    Fill read_more();
    void queue(Response response, bool keep_alive);

    int fd_;
    std::string input_;
    std::string output_;
    std::size_t sent_ = 0;             // bytes of output_ already sent
    std::uint64_t generated_left_ = 0; // of the current /bytes/N body, still to be made
    std::uint64_t generated_offset_ = 0;
    std::uint64_t body_to_skip_ = 0; // of the current request's body, still to be read
    bool close_after_output_ = false;
};

} // namespace http
