#include "fs/synthetic/text_layout.h"

#include "lib/format.h"
#include "lib/string.h"
#include "lib/utility.h"

namespace kernel::synthetic {

namespace {

void append_spaces(TextBuffer& buffer, size_t count) {
    static const char spaces[] = "                                ";
    while (count) {
        size_t taken = min(count, sizeof spaces - 1);
        buffer.append_bytes(spaces, taken);
        count -= taken;
    }
}

} // namespace

void append_left(TextBuffer& buffer, const char* text, size_t width) {
    size_t length = strlen(text);
    buffer.append_bytes(text, length);
    if (length < width)
        append_spaces(buffer, width - length);
}

void end_padded_line(TextBuffer& buffer, size_t line_start, size_t width) {
    size_t length = buffer.length() - line_start;
    if (length < width)
        append_spaces(buffer, width - length);
    buffer.append_bytes("\n", 1);
}

uint32_t address_word(const uint8_t* bytes) {
    uint32_t value;
    memcpy(&value, bytes, sizeof value);
    return value;
}

void append_right(TextBuffer& buffer, uint64_t value, size_t width) {
    char digits[24];
    size_t length =
        format_within(digits, sizeof digits, "%llu", static_cast<unsigned long long>(value));
    if (length < width)
        append_spaces(buffer, width - length);
    buffer.append_bytes(digits, length);
}

void append_hundredths(TextBuffer& buffer, uint64_t hundredths) {
    buffer.append("%llu.%02llu", static_cast<unsigned long long>(hundredths / 100),
                  static_cast<unsigned long long>(hundredths % 100));
}

void append_comm(TextBuffer& buffer, const char* path) {
    const char* name = path;
    for (const char* at = path; *at; ++at)
        if (*at == '/' && at[1])
            name = at + 1;
    size_t length = 0;
    while (name[length] && name[length] != '/' && length < 15)
        ++length;
    buffer.append_bytes(name, length);
}

} // namespace kernel::synthetic
