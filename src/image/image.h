// The sealed image: the kernel ELF whose placeholder PT_LOAD carries the payload (see
// include/ingot/abi/image.h). Built by `ingot build`, read by `ingot run` and `ingot inspect`.
#pragma once

#include "image/filesystem_builder.h"
#include "image/manifest.h"
#include "image/program_check.h"

#include <ingot/abi/image.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ingot {

struct LoadSegment {
    uint64_t physical_address;
    uint64_t file_offset;
    uint64_t file_size;
    uint64_t memory_size;
    uint32_t flags;
};

struct Image {
    std::span<const uint8_t> bytes;
    uint64_t entry = 0;
    std::vector<LoadSegment> segments; // every PT_LOAD, the payload last
    uint64_t kernel_size = 0;          // memory the kernel's own segments take
    uint64_t payload_physical = 0;
    abi::PayloadHeader payload{};
    Manifest manifest;
    std::span<const uint8_t> program;
    std::span<const uint8_t> filesystem; // the section; empty when the image has none
    ProgramInfo program_info;            // what read_image's check of the program found

    std::span<const uint8_t> payload_bytes; // the whole payload, header first

    uint64_t load_end() const;   // first guest-physical byte after everything loaded
    uint64_t kernel_end() const; // the same without the payload (hvt maps it outside RAM)
    std::span<const LoadSegment> kernel_segments() const; // every segment but the payload
};

// `filesystem` is the file-system section (empty: none). When `program_file` is given, the
// program is that file of it (FilesystemImage::files) and its bytes are not stored again.
// `kernel_symbols`, when given, is the ELF file the kernel's symbols are read from for the
// payload's copy, in place of `kernel`'s own (EmbeddedKernel::symbols).
std::vector<uint8_t> build_image(std::span<const uint8_t> kernel, std::span<const uint8_t> program,
                                 const Manifest& manifest, std::span<const uint8_t> filesystem = {},
                                 std::optional<FileExtent> program_file = std::nullopt,
                                 std::span<const uint8_t> kernel_symbols = {});

// Checks everything a monitor relies on; throws UserError naming what is wrong.
Image read_image(std::span<const uint8_t> bytes, const std::string& name);

// True when the file holds an Ingot kernel, so is an image (perhaps a damaged one, which
// read_image then names) and never a plain program to pack.
bool looks_like_image(std::span<const uint8_t> bytes);

// abi::PayloadHeader::checksum of a payload (at least a header's worth of bytes).
uint64_t payload_checksum(std::span<const uint8_t> payload);

} // namespace ingot
