// The types a syscall handler takes its arguments as. Each says how the argument is decoded
// from its register and how --trace-syscalls shows it; a handler's parameter list (declared
// once, in syscall_list.h) is therefore also its trace format.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel {

// An address in the program's memory, checked by whatever reads or writes through it.
struct UserPointer {
    uint64_t address;
    explicit operator bool() const { return address != 0; }
};

// A NUL-terminated string in the program's memory: a path or a name. Traced as the string.
struct UserString {
    uint64_t address;
};

// A socket address whose length is the next argument. Traced as strace shows it.
struct UserSocketAddress {
    uint64_t address;
    explicit operator bool() const { return address != 0; }
};

// How a register becomes an argument: C's integer conversions (an `int` argument is the low
// 32 bits, as Linux's syscall wrappers take it), the wrappers' address as is.
template <typename T> T syscall_argument(uint64_t value) {
    if constexpr (__is_same(T, UserPointer) || __is_same(T, UserString) ||
                  __is_same(T, UserSocketAddress))
        return T{value};
    else
        return static_cast<T>(value);
}

} // namespace kernel
