#include "fs/synthetic/text_buffer.h"

#include "lib/format.h"
#include "lib/string.h"
#include "lib/utility.h"

namespace kernel::synthetic {

TextBuffer::TextBuffer(TextBuffer&& other)
    : m_data(other.m_data), m_length(other.m_length), m_capacity(other.m_capacity),
      m_failed(other.m_failed) {
    other.m_data = nullptr;
    other.m_length = other.m_capacity = 0;
}

TextBuffer& TextBuffer::operator=(TextBuffer&& other) {
    if (this != &other) {
        delete[] m_data;
        m_data = other.m_data;
        m_length = other.m_length;
        m_capacity = other.m_capacity;
        m_failed = other.m_failed;
        other.m_data = nullptr;
        other.m_length = other.m_capacity = 0;
    }
    return *this;
}

TextBuffer::~TextBuffer() {
    delete[] m_data;
}

// Room for `length` more bytes and a NUL (vformat always writes one).
bool TextBuffer::reserve(size_t length) {
    if (m_failed)
        return false;
    size_t needed = m_length + length + 1;
    if (needed <= m_capacity)
        return true;
    size_t capacity = max<size_t>(m_capacity * 2, 256);
    while (capacity < needed)
        capacity *= 2;
    char* data = new char[capacity];
    if (!data) {
        m_failed = true;
        return false;
    }
    if (m_length)
        memcpy(data, m_data, m_length);
    delete[] m_data;
    m_data = data;
    m_capacity = capacity;
    return true;
}

void TextBuffer::append(const char* pattern, ...) {
    va_list arguments;
    va_start(arguments, pattern);
    char small[128];
    va_list copy;
    va_copy(copy, arguments);
    size_t wanted = vformat(small, sizeof small, pattern, copy);
    va_end(copy);
    if (wanted < sizeof small) {
        append_bytes(small, wanted);
    } else if (reserve(wanted)) {
        vformat(m_data + m_length, wanted + 1, pattern, arguments);
        m_length += wanted;
    }
    va_end(arguments);
}

void TextBuffer::append_bytes(const char* bytes, size_t length) {
    if (!reserve(length))
        return;
    memcpy(m_data + m_length, bytes, length);
    m_length += length;
}

ErrorOr<void> TextBuffer::result() const {
    if (m_failed)
        return ENOMEM;
    return {};
}

} // namespace kernel::synthetic
