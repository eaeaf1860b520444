// The relay between ingot's stdio and QEMU's serial pipes: the program's stdout and stderr
// decoded from the framed console, ingot's stdin and the signals ingot receives encoded into it.
#pragma once

#include "qemu/console_protocol.h"
#include "support/console_output_guard.h"

#include <csignal>
#include <optional>
#include <string>

namespace ingot {

struct RelayOutcome {
    std::optional<uint32_t> exit_status; // from the guest's exit frame
    int stopping_signal = 0;             // a second host signal: stop the VM
    std::string protocol_error;          // the guest broke the console protocol
};

// The signals ingot forwards to the program; the caller blocks them before starting QEMU so
// none is lost or handled by default.
sigset_t forwarded_signals();

// Relays until QEMU closes its stdout (it has exited), a protocol error, or a second
// forwarded signal. `to_guest` must be non-blocking.
class ConsoleRelay {
public:
    // `raw_console`: the guest's output goes to a terminal unescaped (ConsoleOutputGuard).
    ConsoleRelay(int to_guest, int from_guest, bool raw_console = false);
    RelayOutcome run();

private:
    bool read_stdin();
    void write_to_guest();
    void write_output(GuestStream stream, std::span<const uint8_t> bytes);

    int m_to_guest;
    int m_from_guest;
    GuestStreamDecoder m_decoder;
    std::vector<uint8_t> m_pending_input; // encoded, not yet taken by QEMU
    bool m_stdin_open = true;
    bool m_end_of_input_queued = false;
    ConsoleOutputGuard m_output;
    std::string m_escaped;
};

} // namespace ingot
