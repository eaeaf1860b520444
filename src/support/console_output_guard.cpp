#include "support/console_output_guard.h"

#include <unistd.h>

namespace ingot {

ConsoleOutputGuard::ConsoleOutputGuard(bool raw_console)
    : m_bucket(bytes_per_second, burst_bytes, TokenBucket::Clock::now()) {
    for (int fd : {STDOUT_FILENO, STDERR_FILENO})
        m_escape[fd] = !raw_console && ::isatty(fd);
}

std::span<const uint8_t> ConsoleOutputGuard::prepare(int fd, std::span<const uint8_t> bytes,
                                                     std::string& scratch) {
    if (fd < 0 || fd > 2 || !m_escape[fd])
        return bytes;
    scratch.clear();
    m_escapers[fd].escape(bytes, scratch);
    return {reinterpret_cast<const uint8_t*>(scratch.data()), scratch.size()};
}

std::chrono::nanoseconds ConsoleOutputGuard::hold_back(size_t bytes) {
    return m_bucket.take(bytes, TokenBucket::Clock::now());
}

} // namespace ingot
