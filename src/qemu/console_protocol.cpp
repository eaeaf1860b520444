#include "qemu/console_protocol.h"

#include <ingot/abi/pvh_console.h>

#include <fmt/format.h>

namespace ingot {

namespace console = abi::pvh_console;

void GuestStreamDecoder::feed(std::span<const uint8_t> bytes, const Output& output) {
    static constexpr uint8_t literal_escape[] = {console::escape};
    size_t i = 0;
    while (i < bytes.size()) {
        switch (m_state) {
        case State::Data: {
            // Hand over the longest run of plain bytes at once: output is mostly plain.
            size_t end = i;
            while (end < bytes.size() && bytes[end] != console::escape)
                ++end;
            if (end > i)
                output(m_stream, bytes.subspan(i, end - i));
            i = end;
            if (i < bytes.size()) {
                m_state = State::Escape;
                ++i;
            }
            break;
        }
        case State::Escape: {
            uint8_t code = bytes[i++];
            m_state = State::Data;
            if (code == console::escape)
                output(m_stream, literal_escape);
            else if (code == console::to_stdout)
                m_stream = GuestStream::Stdout;
            else if (code == console::to_stderr)
                m_stream = GuestStream::Stderr;
            else if (code == console::ready)
                m_guest_ready = true;
            else if (code == console::exit_status)
                m_state = State::ExitStatus;
            else
                throw ConsoleProtocolError(
                    fmt::format("unknown escape sequence 0xff {:#04x} on the console", code));
            break;
        }
        case State::ExitStatus:
            m_status_bytes[m_status_count++] = bytes[i++];
            if (m_status_count == sizeof m_status_bytes) {
                m_exit_status = uint32_t(m_status_bytes[0]) | uint32_t(m_status_bytes[1]) << 8 |
                                uint32_t(m_status_bytes[2]) << 16 |
                                uint32_t(m_status_bytes[3]) << 24;
                m_state = State::Finished;
            }
            break;
        case State::Finished:
            return;
        }
    }
}

void append_input(std::vector<uint8_t>& out, std::span<const uint8_t> bytes) {
    for (uint8_t byte : bytes) {
        out.push_back(byte);
        if (byte == console::escape)
            out.push_back(console::escape);
    }
}

void append_end_of_input(std::vector<uint8_t>& out) {
    out.push_back(console::escape);
    out.push_back(console::end_of_input);
}

void append_host_signal(std::vector<uint8_t>& out, int signal) {
    out.push_back(console::escape);
    out.push_back(console::host_signal);
    out.push_back(static_cast<uint8_t>(signal));
}

} // namespace ingot
