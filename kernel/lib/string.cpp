#include "lib/string.h"

namespace kernel {

bool string_equals(const char* a, const char* b) {
    while (*a && *a == *b) {
        ++a;
        ++b;
    }
    return *a == *b;
}

const char* memchr_bounded(const char* string, size_t limit) {
    for (size_t i = 0; i < limit; ++i) {
        if (string[i] == 0)
            return string + i;
    }
    return nullptr;
}

} // namespace kernel
