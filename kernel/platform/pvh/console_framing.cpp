#include "platform/pvh/console_framing.h"

namespace kernel::pvh {

namespace console = abi::pvh_console;

size_t ConsoleDecoder::feed(const uint8_t* data, size_t length) {
    size_t consumed = 0;
    for (; consumed < length; ++consumed) {
        uint8_t byte = data[consumed];
        if (!m_framed) {
            if (!m_ring.push(byte))
                return consumed;
            continue;
        }
        switch (m_state) {
        case State::Data:
            if (byte == console::escape)
                m_state = State::AfterEscape;
            else if (!m_ring.push(byte))
                return consumed;
            break;
        case State::AfterEscape:
            if (byte == console::escape) {
                if (!m_ring.push(byte))
                    return consumed; // the escape stays pending; this byte comes again
                m_state = State::Data;
            } else if (byte == console::end_of_input) {
                m_end_of_input = true;
                m_state = State::Data;
            } else if (byte == console::host_signal) {
                m_state = State::SignalNumber;
            } else {
                ++m_unknown_sequences;
                m_state = State::Data;
            }
            break;
        case State::SignalNumber:
            if (byte >= 1 && byte <= 64)
                m_signals |= uint64_t(1) << (byte - 1);
            else
                ++m_unknown_sequences;
            m_state = State::Data;
            break;
        }
    }
    return consumed;
}

uint64_t ConsoleDecoder::take_signals() {
    uint64_t signals = m_signals;
    m_signals = 0;
    return signals;
}

} // namespace kernel::pvh
