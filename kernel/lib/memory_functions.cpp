// The compiler emits calls to these even in freestanding code; host tests use libc's.
#include "lib/string.h"

#include <stdint.h>

extern "C" {

void* memcpy(void* destination, const void* source, size_t count) {
    void* cursor = destination;
    size_t words = count / 8, rest = count % 8;
    asm volatile("rep movsq" : "+D"(cursor), "+S"(source), "+c"(words) : : "memory");
    asm volatile("rep movsb" : "+D"(cursor), "+S"(source), "+c"(rest) : : "memory");
    return destination;
}

void* memmove(void* destination, const void* source, size_t count) {
    auto* d = static_cast<unsigned char*>(destination);
    auto* s = static_cast<const unsigned char*>(source);
    if (d == s || count == 0)
        return destination;
    if (d < s || d >= s + count) {
        memcpy(destination, source, count);
        return destination;
    }
    while (count--)
        d[count] = s[count];
    return destination;
}

void* memset(void* destination, int value, size_t count) {
    void* cursor = destination;
    uint64_t pattern = 0x0101010101010101ull * static_cast<unsigned char>(value);
    size_t words = count / 8, rest = count % 8;
    asm volatile("rep stosq" : "+D"(cursor), "+c"(words) : "a"(pattern) : "memory");
    asm volatile("rep stosb" : "+D"(cursor), "+c"(rest) : "a"(pattern) : "memory");
    return destination;
}

int memcmp(const void* a, const void* b, size_t count) {
    auto* x = static_cast<const unsigned char*>(a);
    auto* y = static_cast<const unsigned char*>(b);
    for (size_t i = 0; i < count; ++i) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char* string) {
    size_t length = 0;
    while (string[length])
        ++length;
    return length;
}
}
