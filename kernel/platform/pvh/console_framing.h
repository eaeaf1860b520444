// The COM1 byte stream of include/ingot/abi/pvh_console.h, both directions. Raw (booted by
// hand) passes bytes through; framed (`ingot.console=framed`) multiplexes stdout, stderr and
// the exit status towards the host, and stdin, end of input and host signals towards the guest.
#pragma once

#include "lib/error_or.h"
#include "platform/pvh/byte_ring.h"

#include <ingot/abi/hypercall.h>
#include <ingot/abi/pvh_console.h>

#include <stddef.h>
#include <stdint.h>

namespace kernel::pvh {

// Guest to host. `Sink` is callable as ErrorOr<void>(const uint8_t* data, size_t length): the
// serial port's write, in the kernel.
class ConsoleEncoder {
public:
    explicit ConsoleEncoder(bool framed) : m_framed(framed) {}

    // The kernel log goes to stderr: the framed stream carries only the program's two.
    template <typename Sink>
    ErrorOr<void> write(abi::ConsoleStream stream, const uint8_t* data, size_t length, Sink& sink) {
        if (!m_framed)
            return length ? sink(data, length) : ErrorOr<void>();
        bool to_stdout = stream == abi::ConsoleStream::Stdout;
        if (length && to_stdout != m_on_stdout) {
            uint8_t command = to_stdout ? abi::pvh_console::to_stdout : abi::pvh_console::to_stderr;
            const uint8_t marker[] = {abi::pvh_console::escape, command};
            TRY(sink(marker, sizeof marker));
            m_on_stdout = to_stdout;
        }
        // Runs between escape bytes go out as they are; each escape byte goes out doubled, by
        // sending it once at the end of its run and once more at the start of the next.
        size_t start = 0;
        for (size_t i = 0; i < length; ++i) {
            if (data[i] == abi::pvh_console::escape) {
                TRY(sink(data + start, i + 1 - start));
                start = i;
            }
        }
        return length > start ? sink(data + start, length - start) : ErrorOr<void>();
    }

    // The last thing to send. Raw, the host learns the status another way (isa-debug-exit).
    template <typename Sink> ErrorOr<void> write_exit_status(int status, Sink& sink) {
        if (!m_framed)
            return {};
        auto value = static_cast<uint32_t>(status);
        const uint8_t frame[] = {
            abi::pvh_console::escape,          abi::pvh_console::exit_status,
            static_cast<uint8_t>(value),       static_cast<uint8_t>(value >> 8),
            static_cast<uint8_t>(value >> 16), static_cast<uint8_t>(value >> 24)};
        return sink(frame, sizeof frame);
    }

private:
    bool m_framed;
    bool m_on_stdout = true; // the host starts on stdout
};

// Host to guest: stdin data into a ring, end of input and host signals as state.
class ConsoleDecoder {
public:
    ConsoleDecoder(bool framed, ByteRing& stdin_ring) : m_framed(framed), m_ring(stdin_ring) {}

    // How many input bytes feed() surely takes: each yields at most one stdin byte. Take no
    // more than this from the UART, so that the rest waits there instead of being lost.
    size_t room() const { return m_ring.free_space(); }
    // Consumes `data` (escape sequences may span calls) until the ring is full; returns the
    // bytes consumed, all of them when length <= room().
    size_t feed(const uint8_t* data, size_t length);

    bool end_of_input() const { return m_end_of_input; }
    // Host signals received since the last call: bit n - 1 for signal n (as in abi::GuestInfo).
    uint64_t take_signals();
    // Sequences not in the protocol, skipped.
    size_t unknown_sequences() const { return m_unknown_sequences; }

private:
    enum class State : uint8_t { Data, AfterEscape, SignalNumber };

    bool m_framed;
    ByteRing& m_ring;
    State m_state = State::Data;
    bool m_end_of_input = false;
    uint64_t m_signals = 0;
    size_t m_unknown_sequences = 0;
};

} // namespace kernel::pvh
