#pragma once

#include <stddef.h>

extern "C" {
void* memcpy(void* destination, const void* source, size_t count);
void* memmove(void* destination, const void* source, size_t count);
void* memset(void* destination, int value, size_t count);
int memcmp(const void* a, const void* b, size_t count);
size_t strlen(const char* string);
}

namespace kernel {

bool string_equals(const char* a, const char* b);
// The first NUL in [string, string + limit), or nullptr.
const char* memchr_bounded(const char* string, size_t limit);

} // namespace kernel
