#include "support/terminal_escaper.h"

namespace ingot {

namespace {

bool passes_as_is(uint8_t byte) {
    return (byte >= 0x20 && byte != 0x7f) || byte == '\t' || byte == '\n' || byte == '\r' ||
           byte == '\b';
}

void append_caret(uint8_t control, std::string& out) {
    out += '^';
    out += control == 0x7f ? '?' : static_cast<char>(control + 0x40);
}

} // namespace

void TerminalEscaper::escape(std::span<const uint8_t> bytes, std::string& out) {
    for (size_t i = 0; i < bytes.size(); ++i) {
        uint8_t byte = bytes[i];
        if (m_after_c2 && byte >= 0x80 && byte <= 0x9f) {
            // A C1 control. Its C2 went out already when the chunk before ended with it; within
            // one chunk it is taken back.
            if (!out.empty() && i > 0 && static_cast<uint8_t>(out.back()) == 0xc2)
                out.pop_back();
            out += "M-";
            append_caret(static_cast<uint8_t>(byte - 0x80), out);
            m_after_c2 = false;
            continue;
        }
        m_after_c2 = byte == 0xc2;
        if (passes_as_is(byte))
            out += static_cast<char>(byte);
        else
            append_caret(byte, out);
    }
}

} // namespace ingot
