// What the guest's console output goes through on its way to ingot's stdout and stderr, on
// both platforms: escaped when it goes to a terminal (TerminalEscaper; --raw-console passes
// it as it is), and held back past a generous rate (TokenBucket), so that a flooding guest
// cannot swamp the host's terminal or logs at memory speed. Output to a pipe or a file is
// never changed, and never dropped: it is the program's data.
#pragma once

#include "support/terminal_escaper.h"
#include "support/token_bucket.h"

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

namespace ingot {

class ConsoleOutputGuard {
public:
    // 16 MiB at once, then 64 MiB/s: far above what a terminal shows or a person reads, and
    // no limit for ordinary programs (one writing a 1 MiB file to stdout never waits).
    static constexpr uint64_t burst_bytes = 16ull << 20;
    static constexpr uint64_t bytes_per_second = 64ull << 20;

    // Asks now whether stdout and stderr are terminals (before the monitor's sandbox).
    explicit ConsoleOutputGuard(bool raw_console);

    // The bytes to write to `fd` (stdout or stderr) for the guest's `bytes`: themselves, or
    // their escaped copy in `scratch`.
    std::span<const uint8_t> prepare(int fd, std::span<const uint8_t> bytes, std::string& scratch);
    // How long to hold `bytes` of output back before writing them.
    std::chrono::nanoseconds hold_back(size_t bytes);

private:
    bool m_escape[3] = {};
    TerminalEscaper m_escapers[3];
    TokenBucket m_bucket;
};

} // namespace ingot
