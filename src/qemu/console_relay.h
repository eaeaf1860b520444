// The relay between ingot's stdio and the guest's framed console: the program's stdout and
// stderr decoded from it, ingot's stdin and the signals ingot receives encoded into it. The
// console has up to two channels, COM1 (QEMU's stdio pipes) and a virtio-console port (a
// socket), each framed on its own: output is taken from both, input goes to the one the guest
// said `ready` on.
#pragma once

#include "qemu/console_protocol.h"
#include "support/console_output_guard.h"
#include "support/stop_policy.h"

#include <optional>
#include <string>

namespace ingot {

struct RelayOutcome {
    std::optional<uint32_t> exit_status;  // from the guest's exit frame
    std::optional<StopPolicy::Stop> stop; // the stop policy's: stop the VM
    std::string protocol_error;           // the guest broke the console protocol
};

// Relays until QEMU closes every channel (it has exited), a protocol error, or the stop policy
// says stop. The caller blocks forwarded_signals() before starting QEMU so that none is lost
// or handled by default. `to_guest` and `device_console` must be non-blocking.
class ConsoleRelay {
public:
    // `device_console`: ingot's end of the virtio-console port's socket, or -1 for COM1 alone.
    // `raw_console`: the guest's output goes to a terminal unescaped (ConsoleOutputGuard).
    ConsoleRelay(int to_guest, int from_guest, int device_console,
                 std::optional<StopPolicy::Clock::duration> stop_timeout, bool raw_console = false);
    RelayOutcome run();

private:
    struct Channel {
        int to_guest = -1;
        int from_guest = -1;
        GuestStreamDecoder decoder;
        bool open = false; // QEMU has not closed it
    };

    bool read_stdin();
    // The channel the guest reads input from, once it said so.
    Channel* input_channel();
    std::optional<uint32_t> exit_status() const;
    // False when QEMU closed the channel; throws ConsoleProtocolError.
    bool read_guest(Channel& channel);
    void write_to_guest(Channel& channel);
    // The program's output to ingot's stdout or stderr; a closed one sets m_stop or sends
    // SIGPIPE to the program.
    void write_output(GuestStream stream, std::span<const uint8_t> bytes);
    // Milliseconds poll may wait: until the exit frame's or the stop's deadline.
    int poll_timeout() const;

    Channel m_channels[2];                // COM1, the virtio-console port
    std::vector<uint8_t> m_pending_input; // encoded, not yet taken by QEMU
    bool m_stdin_open = true;
    bool m_end_of_input_queued = false;
    // Taken when the relay is made, before the thread's sandbox forbids asking (sigaction).
    sigset_t m_forwarded;
    StopPolicy m_policy;
    std::optional<StopPolicy::Stop> m_stop;
    // A reader of ingot's stdout or stderr went away: the program gets SIGPIPE, as it would
    // writing to a closed pipe on hvt, and its further output there is dropped.
    bool m_output_closed[2] = {false, false};
    ConsoleOutputGuard m_output;
    std::string m_escaped;
};

} // namespace ingot
