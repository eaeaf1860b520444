// The text a generated file (/proc, /sys) holds for one open file: built whole at open, as a
// snapshot, so that a program reading it in pieces sees one consistent state (Linux's
// seq_file gives the same guarantee per read(2) call; one snapshot per open is simpler and
// no weaker for the small files here).
#pragma once

#include "lib/error_or.h"

#include <stdarg.h>
#include <stddef.h>

namespace kernel::synthetic {

class TextBuffer {
public:
    TextBuffer() = default;
    TextBuffer(TextBuffer&& other);
    TextBuffer& operator=(TextBuffer&& other);
    TextBuffer(const TextBuffer&) = delete;
    TextBuffer& operator=(const TextBuffer&) = delete;
    ~TextBuffer();

    // printf-style (lib/format.h). A failed allocation is remembered: result() reports it.
    void append(const char* pattern, ...) __attribute__((format(printf, 2, 3)));
    void append_bytes(const char* bytes, size_t length);

    const char* data() const { return m_data ? m_data : ""; }
    size_t length() const { return m_length; }
    // ENOMEM when an append ran out of memory, so a file is never shown cut short.
    ErrorOr<void> result() const;

private:
    bool reserve(size_t length);

    char* m_data = nullptr;
    size_t m_length = 0;
    size_t m_capacity = 0;
    bool m_failed = false;
};

} // namespace kernel::synthetic
