#include "connection.h"

#include <algorithm>
#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

namespace http {
namespace {

constexpr std::size_t read_chunk = 16 * 1024;
constexpr std::size_t generated_chunk = 64 * 1024;

} // namespace

Connection::~Connection() {
    close(fd_);
}

void Connection::queue(Response response, bool keep_alive) {
    if (sent_ == output_.size()) {
        output_.clear();
        sent_ = 0;
    }
    output_ += response.head;
    output_ += response.body;
    generated_left_ = response.generated_bytes;
    generated_offset_ = 0;
    if (!keep_alive)
        close_after_output_ = true;
}

Connection::Flush Connection::flush() {
    while (write_pending()) {
        if (sent_ == output_.size()) {
            // The next piece of a generated body, made just before it is sent.
            std::size_t n =
                static_cast<std::size_t>(std::min<std::uint64_t>(generated_left_, generated_chunk));
            output_.resize(n);
            for (std::size_t i = 0; i < n; ++i)
                output_[i] = generated_byte(generated_offset_ + i);
            generated_offset_ += n;
            generated_left_ -= n;
            sent_ = 0;
        }
        ssize_t n = send(fd_, output_.data() + sent_, output_.size() - sent_, MSG_NOSIGNAL);
        if (n > 0) {
            sent_ += static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return Flush::blocked;
        } else {
            return Flush::failed;
        }
    }
    output_.clear();
    sent_ = 0;
    return Flush::done;
}

Connection::Fill Connection::read_more() {
    char buffer[read_chunk];
    for (;;) {
        ssize_t n = read(fd_, buffer, sizeof buffer);
        if (n > 0) {
            input_.append(buffer, static_cast<std::size_t>(n));
            return Fill::got_data;
        }
        if (n == 0)
            return Fill::end_of_stream;
        if (errno == EINTR)
            continue;
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? Fill::blocked : Fill::failed;
    }
}

bool Connection::make_progress(ServerCounters& counters) {
    for (;;) {
        // Answers go out in order: nothing new is read while one is still being sent.
        switch (flush()) {
        case Flush::failed:
            return false;
        case Flush::blocked:
            return true;
        case Flush::done:
            break;
        }
        if (close_after_output_) {
            shutdown(fd_, SHUT_WR);
            return false;
        }
        if (body_to_skip_ > 0) {
            std::size_t n =
                static_cast<std::size_t>(std::min<std::uint64_t>(body_to_skip_, input_.size()));
            input_.erase(0, n);
            body_to_skip_ -= n;
        }
        if (body_to_skip_ == 0 && !input_.empty()) {
            Request request;
            switch (parse_request(input_, request)) {
            case ParseStatus::complete:
                ++counters.requests;
                input_.erase(0, request.head_bytes);
                body_to_skip_ = request.body_bytes;
                queue(route(request, counters), request.keep_alive);
                continue;
            case ParseStatus::bad:
                ++counters.bad_requests;
                queue(error_response(400), false);
                continue;
            case ParseStatus::unsupported:
                ++counters.bad_requests;
                queue(error_response(501), false);
                continue;
            case ParseStatus::incomplete:
                break;
            }
        }
        switch (read_more()) {
        case Fill::got_data:
            continue;
        case Fill::blocked:
            return true;
        case Fill::end_of_stream:
        case Fill::failed:
            return false;
        }
    }
}

} // namespace http
