// The image's manifest (argv, env, memory, stack) and the run-time argument override, checked
// and decoded in place: the strings stay where the payload holds them.
#pragma once

#include "lib/error_or.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {

inline constexpr size_t max_arguments = 4096;

struct Manifest {
    Manifest() = default;
    Manifest(const Manifest&) = delete;
    Manifest& operator=(const Manifest&) = delete;
    ~Manifest() {
        delete[] argv;
        delete[] envp;
    }

    uint64_t memory_size = 0;
    uint64_t stack_size = 0;
    size_t argc = 0;
    size_t envc = 0;
    // On the kernel heap, as many as the strings (a fixed array of max_arguments each would
    // cost the kernel 64 KiB of memory for every program).
    const char** argv = nullptr;
    const char** envp = nullptr;
};

ErrorOr<void> parse_manifest(const uint8_t* data, size_t size, Manifest& manifest);
// Applies what `ingot run` passed (abi::ArgumentsHeader + strings): a new argv, and
// environment variables that override or extend the image's.
ErrorOr<void> apply_run_time_arguments(const uint8_t* data, size_t size, Manifest& manifest);

} // namespace kernel
