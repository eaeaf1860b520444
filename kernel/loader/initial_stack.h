// The stack a Linux program starts on: argc, argv, envp, the auxiliary vector, and the
// strings and random bytes they point to, laid out at the top of the stack as Linux does.
#pragma once

#include "lib/error_or.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {

struct AuxiliaryEntry {
    uint64_t type;
    uint64_t value;
};

namespace auxv {
inline constexpr uint64_t null = 0, phdr = 3, phent = 4, phnum = 5, pagesz = 6, base = 7, flags = 8,
                          entry = 9, uid = 11, euid = 12, gid = 13, egid = 14, platform = 15,
                          hwcap = 16, clktck = 17, secure = 23, random = 25, hwcap2 = 26,
                          execfn = 31, sysinfo_ehdr = 33, minsigstksz = 51;
} // namespace auxv

struct InitialStackInputs {
    size_t argc;
    const char* const* argv;
    size_t envc;
    const char* const* envp;
    const AuxiliaryEntry* auxiliary; // without AT_RANDOM, AT_PLATFORM, AT_EXECFN, AT_NULL
    size_t auxiliary_count;
    uint8_t random_bytes[16];
};

// `top` is the kernel's pointer to the byte just past the stack, which the program sees at
// `top_address`; at most `capacity` bytes are used. Returns the program's initial RSP.
ErrorOr<uint64_t> build_initial_stack(const InitialStackInputs& inputs, uint8_t* top,
                                      uint64_t top_address, size_t capacity);
// At most how many bytes below the top build_initial_stack writes.
size_t initial_stack_size(const InitialStackInputs& inputs);

} // namespace kernel
