#include "lib/format.h"

#include <stdint.h>

namespace kernel {

namespace {

class Output {
public:
    Output(char* buffer, size_t size) : m_buffer(buffer), m_size(size) {}
    void put(char c) {
        if (m_length + 1 < m_size)
            m_buffer[m_length] = c;
        ++m_length;
    }
    size_t finish() {
        if (m_size > 0)
            m_buffer[m_length < m_size ? m_length : m_size - 1] = 0;
        return m_length;
    }

private:
    char* m_buffer;
    size_t m_size;
    size_t m_length = 0;
};

void put_number(Output& out, uint64_t value, unsigned base, bool negative, int width, char pad,
                bool upper = false) {
    char digits[24];
    int count = 0;
    do {
        unsigned digit = value % base;
        digits[count++] =
            static_cast<char>(digit < 10 ? '0' + digit : (upper ? 'A' : 'a') + digit - 10);
        value /= base;
    } while (value);
    int length = count + (negative ? 1 : 0);
    if (negative && pad == '0')
        out.put('-');
    for (; width > length; --width)
        out.put(pad);
    if (negative && pad != '0')
        out.put('-');
    while (count)
        out.put(digits[--count]);
}

} // namespace

size_t vformat(char* buffer, size_t size, const char* pattern, va_list arguments) {
    Output out(buffer, size);
    for (const char* p = pattern; *p; ++p) {
        if (*p != '%') {
            out.put(*p);
            continue;
        }
        ++p;
        char pad = ' ';
        if (*p == '0') {
            pad = '0';
            ++p;
        }
        int width = 0;
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        int longness = 0;
        while (*p == 'l' || *p == 'z') {
            longness = (*p == 'z') ? 2 : longness + 1;
            ++p;
        }
        switch (*p) {
        case 'd':
        case 'i': {
            int64_t value = longness ? va_arg(arguments, int64_t) : va_arg(arguments, int);
            uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : value;
            put_number(out, magnitude, 10, value < 0, width, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t value = longness ? va_arg(arguments, uint64_t) : va_arg(arguments, unsigned);
            put_number(out, value, *p == 'u' ? 10 : 16, false, width, pad, *p == 'X');
            break;
        }
        case 'p':
            out.put('0');
            out.put('x');
            put_number(out, reinterpret_cast<uintptr_t>(va_arg(arguments, void*)), 16, false, width,
                       pad);
            break;
        case 's': {
            const char* string = va_arg(arguments, const char*);
            if (!string)
                string = "(null)";
            int length = 0;
            while (string[length])
                ++length;
            for (; width > length; --width)
                out.put(' ');
            for (int i = 0; i < length; ++i)
                out.put(string[i]);
            break;
        }
        case 'c':
            out.put(static_cast<char>(va_arg(arguments, int)));
            break;
        case '%':
            out.put('%');
            break;
        case 0:
            return out.finish();
        default:
            out.put('%');
            out.put(*p);
        }
    }
    return out.finish();
}

size_t format(char* buffer, size_t size, const char* pattern, ...) {
    va_list arguments;
    va_start(arguments, pattern);
    size_t length = vformat(buffer, size, pattern, arguments);
    va_end(arguments);
    return length;
}

size_t format_within(char* buffer, size_t size, const char* pattern, ...) {
    va_list arguments;
    va_start(arguments, pattern);
    size_t length = vformat(buffer, size, pattern, arguments);
    va_end(arguments);
    if (size == 0)
        return 0;
    return length < size ? length : size - 1;
}

void FormatBuffer::append(const char* pattern, ...) {
    if (m_length >= m_size)
        return;
    va_list arguments;
    va_start(arguments, pattern);
    m_length += vformat(m_buffer + m_length, m_size - m_length, pattern, arguments);
    va_end(arguments);
}

} // namespace kernel
