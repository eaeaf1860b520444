// The framed COM1 byte stream of include/ingot/abi/pvh_console.h, in both directions: what
// `ingot run --platform qemu` reads from QEMU's serial stdout and writes to its serial stdin.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

namespace ingot {

class ConsoleProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class GuestStream { Stdout, Stderr };

// Guest to host. Reads may split an escape sequence or the exit frame anywhere, so the
// decoder keeps what it has seen of an unfinished sequence between calls.
class GuestStreamDecoder {
public:
    using Output = std::function<void(GuestStream, std::span<const uint8_t>)>;

    // Passes the program's output to `output` in order; throws ConsoleProtocolError on an
    // escape the protocol does not define. Bytes after the exit frame are ignored: the exit
    // status is final.
    void feed(std::span<const uint8_t> bytes, const Output& output);

    std::optional<uint32_t> exit_status() const { return m_exit_status; }
    // Whether the guest said it can take input (input sent before may be lost).
    bool guest_ready() const { return m_guest_ready; }

private:
    enum class State { Data, Escape, ExitStatus, Finished };
    State m_state = State::Data;
    GuestStream m_stream = GuestStream::Stdout;
    uint8_t m_status_bytes[4] = {};
    size_t m_status_count = 0;
    std::optional<uint32_t> m_exit_status;
    bool m_guest_ready = false;
};

// Host to guest: each appends one complete sequence to `out`.
void append_input(std::vector<uint8_t>& out, std::span<const uint8_t> bytes);
void append_end_of_input(std::vector<uint8_t>& out);
void append_host_signal(std::vector<uint8_t>& out, int signal);

} // namespace ingot
