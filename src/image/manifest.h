// What an image says about running its program: argv, environment, memory, stack.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ingot {

struct Manifest {
    std::vector<std::string> arguments; // argv, argv[0] first
    std::vector<std::string> environment;
    uint64_t memory_size = 0; // 0: abi::default_memory_size
    uint64_t stack_size = 0;  // 0: abi::default_stack_size
};

std::vector<uint8_t> encode_manifest(const Manifest& manifest);
// Throws UserError on anything malformed.
Manifest decode_manifest(std::span<const uint8_t> bytes);

// What `ingot run` adds: an argv replacing the image's (when not empty) and environment
// variables overriding or extending its environment (abi::ArgumentsHeader + strings).
std::vector<uint8_t> encode_run_time_arguments(const std::vector<std::string>& arguments,
                                               const std::vector<std::string>& environment);

// Rejects what the kernel could not take: an empty argv, too many or too long strings,
// strings with NUL bytes, environment entries without '='.
void validate_manifest(const Manifest& manifest);

// Rejects, as a corrupted manifest, sizes the monitor and the kernel could not use: memory
// outside Ingot's range, a stack below abi::minimum_stack_size or not below the memory, either
// not a multiple of 4 KiB. 0 stands for the default (abi::default_memory_size and
// abi::default_stack_size).
void check_manifest_sizes(uint64_t memory_size, uint64_t stack_size);

} // namespace ingot
