// Guest output on its way to a host terminal, made inert: a guest must not drive the user's
// terminal (ECMA-48 control sequences move the cursor, rewrite the title, answer queries
// into the user's input, set the clipboard with OSC 52, ...). Every control character but
// tab, newline, carriage return and backspace is shown as `cat -v` shows it: ESC as ^[, DEL as
// ^?, the C1 controls U+0080..U+009F (UTF-8 C2 80..C2 9F, which terminals also obey) as M-^[
// and so on. Other bytes, UTF-8 text included, pass unchanged.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace ingot {

class TerminalEscaper {
public:
    // Appends `bytes`, escaped, to `out`. A UTF-8 sequence may straddle two calls.
    void escape(std::span<const uint8_t> bytes, std::string& out);

private:
    bool m_after_c2 = false; // the last byte seen was C2, the lead byte of U+0080..U+00BF
};

} // namespace ingot
