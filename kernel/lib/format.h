// printf-style formatting into a caller's buffer: %d %i %u %x %X %p %s %c with l/ll/z length,
// width and zero padding. Always NUL-terminates; returns the length it would have written.
#pragma once

#include <stdarg.h>
#include <stddef.h>

namespace kernel {

size_t format(char* buffer, size_t size, const char* pattern, ...)
    __attribute__((format(printf, 3, 4)));
size_t vformat(char* buffer, size_t size, const char* pattern, va_list arguments);
// format(), returning the length written (cut to fit) rather than the length wanted.
size_t format_within(char* buffer, size_t size, const char* pattern, ...)
    __attribute__((format(printf, 3, 4)));

// Appends to a fixed buffer, remembering how much was cut.
class FormatBuffer {
public:
    FormatBuffer(char* buffer, size_t size) : m_buffer(buffer), m_size(size) { m_buffer[0] = 0; }
    void append(const char* pattern, ...) __attribute__((format(printf, 2, 3)));
    const char* text() const { return m_buffer; }
    size_t length() const { return m_length < m_size ? m_length : m_size - 1; }

private:
    char* m_buffer;
    size_t m_size;
    size_t m_length = 0;
};

} // namespace kernel
