// The sealed image: the kernel ELF whose reserved PT_LOAD (flags PF_R, first after the
// kernel's own) is pointed by the packer at an appended payload:
//
//   PayloadHeader | manifest | kernel symbols | padding | program ELF (page aligned)
//   | padding | file system (page aligned, include/ingot/abi/image_filesystem.h)
//
// When the program is a file of the image's file system, its bytes are there once:
// program_offset and program_size point at that file's data inside the file-system section.
// A static program with no file system has no file-system section (offset and size 0).
//
// A PVH loader (QEMU, Firecracker) loads the payload at the first page after the kernel's end,
// where the placeholder PT_LOAD puts it. The hvt monitor maps it from the image file outside
// RAM instead (memory_layout.h, payload_region_physical). BootInfo::payload tells the kernel.
#pragma once

#include <stdint.h>

namespace ingot::abi {

inline constexpr uint64_t payload_magic = 0x314441504f474e49; // "INGOPAD1"
// 3: PayloadHeader::checksum. 4: the file-system section.
inline constexpr uint32_t payload_version = 4;

struct PayloadHeader {
    uint64_t magic;
    uint32_t version;
    uint32_t header_size;
    uint64_t manifest_offset; // from the start of the payload
    uint64_t manifest_size;
    uint64_t program_offset; // page aligned
    uint64_t program_size;
    uint64_t total_size;
    uint64_t symbols_offset; // 8-byte aligned: symbol_count KernelSymbols, then their names
    uint64_t symbols_size;
    uint64_t symbol_count;
    // XXH3-64 (xxhash 0.8) of the payload's bytes after this header, seeded with the XXH3-64
    // of this header as written but with this field 0: all total_size bytes count. The host
    // checks it on every `ingot run` and `ingot inspect`; the kernel does not (a boot through
    // plain QEMU or Firecracker, which skips the host, is not verified).
    uint64_t checksum;
    uint64_t filesystem_offset; // page aligned; 0 with filesystem_size 0 when there is none
    uint64_t filesystem_size;
};
static_assert(sizeof(PayloadHeader) == 104, "PayloadHeader is shared by host and kernel");
static_assert(__builtin_offsetof(PayloadHeader, checksum) == 80, "checksum follows symbol_count");
static_assert(__builtin_offsetof(PayloadHeader, filesystem_offset) == 88, "after checksum");

// The kernel's functions, for crash reports pvh's kernel makes (an hvt-only image has none):
// its ELF symbol table lies outside every PT_LOAD, so the packer copies them here, sorted by
// address and demangled (no demangler in the guest). `name` is an offset into the names after
// the array, NUL-terminated and ending with a NUL. A size of 0 (assembly) extends to the next.
struct KernelSymbol {
    uint64_t address;
    uint32_t size;
    uint32_t name;
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
