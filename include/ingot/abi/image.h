// The sealed image: the kernel ELF whose reserved PT_LOAD (flags PF_R, first after the
// kernel's own) is pointed by the packer at an appended payload:
//
//   PayloadHeader | manifest | padding | program ELF (page aligned)
//
// The payload is loaded at the first page after the kernel's end, so the kernel finds it
// without help from the platform.
#pragma once

#include <stdint.h>

namespace ingot::abi {

inline constexpr uint64_t payload_magic = 0x314441504f474e49; // "INGOPAD1"
inline constexpr uint32_t payload_version = 1;

struct PayloadHeader {
    uint64_t magic;
    uint32_t version;
    uint32_t header_size;
    uint64_t manifest_offset; // from the start of the payload
    uint64_t manifest_size;
    uint64_t program_offset; // page aligned
    uint64_t program_size;
    uint64_t total_size;
};

inline constexpr uint32_t manifest_magic = 0x4d474e49; // "INGM"

// Followed by argc + envc NUL-terminated strings.
struct ManifestHeader {
    uint32_t magic;
    uint32_t argc;
    uint32_t envc;
    uint32_t strings_size;
    uint64_t memory_size;
    uint64_t stack_size;
};

// What `ingot run` adds at run time (BootInfo::arguments): argc strings that replace the
// image's argv when argc > 0, then envc NAME=VALUE strings that override or extend its
// environment.
struct ArgumentsHeader {
    uint32_t argc;
    uint32_t envc;
    uint32_t strings_size;
    uint32_t reserved;
};

inline constexpr uint64_t default_memory_size = 64ull << 20;
inline constexpr uint64_t default_stack_size = 1ull << 20;
inline constexpr uint64_t max_manifest_strings = 1ull << 20;

} // namespace ingot::abi
