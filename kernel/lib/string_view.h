// A borrowed run of characters, not NUL-terminated: a path component, a name in a directory.
#pragma once

#include "lib/string.h"

#include <stddef.h>

namespace kernel {

struct StringView {
    const char* data = nullptr;
    size_t length = 0;

    constexpr StringView() = default;
    constexpr StringView(const char* characters, size_t count) : data(characters), length(count) {}
    StringView(const char* string) : data(string), length(strlen(string)) {}

    bool is_empty() const { return length == 0; }
    bool operator==(StringView other) const {
        return length == other.length && memcmp(data, other.data, length) == 0;
    }
    char operator[](size_t index) const { return data[index]; }
};

} // namespace kernel
