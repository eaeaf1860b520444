#include "image/image.h"

#include "image/filesystem_listing.h"
#include "image/kernel_components.h"
#include "image/kernel_symbols.h"
#include "image/program_check.h"
#include "support/error.h"
#include "support/size.h"

#include <elf.h>
#include <ingot/abi/components.h>
#include <ingot/abi/memory_layout.h>

#include <xxhash.h>

#include <algorithm>
#include <cstring>

namespace ingot {

namespace {

constexpr uint64_t page = abi::page_size;

uint64_t align_up(uint64_t value, uint64_t alignment) {
    return (value + alignment - 1) & ~(alignment - 1);
}

template <typename T> T read_at(std::span<const uint8_t> bytes, uint64_t offset) {
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
}

struct RawElf {
    Elf64_Ehdr header;
    std::vector<Elf64_Phdr> program_headers;
};

// The image is parsed by hand, not by libelf: the monitor runs this on every boot and it must
// stay cheap, and every field is checked against the file as it is read.
RawElf read_raw_elf(std::span<const uint8_t> bytes, const std::string& name) {
    if (!is_elf(bytes) || bytes.size() < sizeof(Elf64_Ehdr))
        fail("'{}' is not an Ingot image (not an ELF file)", name);
    RawElf elf;
    elf.header = read_at<Elf64_Ehdr>(bytes, 0);
    const auto& header = elf.header;
    if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_machine != EM_X86_64 ||
        header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phnum == 0 || header.e_phnum > 64)
        fail("'{}' is not an Ingot image (unexpected ELF header)", name);
    if (header.e_phoff > bytes.size() ||
        uint64_t(header.e_phnum) * sizeof(Elf64_Phdr) > bytes.size() - header.e_phoff)
        fail("'{}' is truncated: its program headers lie past the end of the file", name);
    for (unsigned i = 0; i < header.e_phnum; ++i)
        elf.program_headers.push_back(
            read_at<Elf64_Phdr>(bytes, header.e_phoff + uint64_t(i) * sizeof(Elf64_Phdr)));
    return elf;
}

bool is_payload_segment(std::span<const uint8_t> bytes, const Elf64_Phdr& segment) {
    return segment.p_type == PT_LOAD && segment.p_filesz >= sizeof(abi::PayloadHeader) &&
           segment.p_offset <= bytes.size() - sizeof(abi::PayloadHeader) &&
           read_at<uint64_t>(bytes, segment.p_offset) == abi::payload_magic;
}

} // namespace

uint64_t Image::load_end() const {
    uint64_t end = 0;
    for (const auto& segment : segments)
        end = std::max(end, segment.physical_address + segment.memory_size);
    return align_up(end, page);
}

uint64_t Image::kernel_end() const {
    uint64_t end = 0;
    for (const auto& segment : kernel_segments())
        end = std::max(end, segment.physical_address + segment.memory_size);
    return align_up(end, page);
}

std::span<const LoadSegment> Image::kernel_segments() const {
    return std::span<const LoadSegment>(segments).first(segments.empty() ? 0 : segments.size() - 1);
}

// A Linux program lives in the lower half; a segment in the kernel's half means an Ingot kernel,
// so an image (whole or damaged) and never a program to pack.
bool looks_like_image(std::span<const uint8_t> bytes) {
    if (!is_elf(bytes) || bytes.size() < sizeof(Elf64_Ehdr))
        return false;
    auto header = read_at<Elf64_Ehdr>(bytes, 0);
    if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_phentsize != sizeof(Elf64_Phdr) ||
        header.e_phoff > bytes.size() ||
        uint64_t(header.e_phnum) * sizeof(Elf64_Phdr) > bytes.size() - header.e_phoff)
        return false;
    for (unsigned i = 0; i < header.e_phnum; ++i) {
        auto segment =
            read_at<Elf64_Phdr>(bytes, header.e_phoff + uint64_t(i) * sizeof(Elf64_Phdr));
        if (segment.p_type == PT_LOAD && segment.p_memsz != 0 &&
            segment.p_vaddr >= abi::kernel_virtual_base)
            return true;
    }
    return false;
}

uint64_t payload_checksum(std::span<const uint8_t> payload) {
    auto header = read_at<abi::PayloadHeader>(payload, 0);
    header.checksum = 0;
    // XXH3 runs at memory speed (well over 10 GB/s), so checking a payload of a few MiB costs
    // a fraction of a millisecond of each boot.
    XXH64_hash_t seed = XXH3_64bits(&header, sizeof header);
    auto rest = payload.subspan(sizeof header);
    return XXH3_64bits_withSeed(rest.data(), rest.size(), seed);
}

std::vector<uint8_t> build_image(std::span<const uint8_t> kernel, std::span<const uint8_t> program,
                                 const Manifest& manifest, std::span<const uint8_t> filesystem,
                                 std::optional<FileExtent> program_file,
                                 std::span<const uint8_t> kernel_symbols) {
    RawElf elf = read_raw_elf(kernel, "kernel");
    int placeholder = -1;
    uint64_t kernel_end = 0;
    for (size_t i = 0; i < elf.program_headers.size(); ++i) {
        const auto& segment = elf.program_headers[i];
        if (segment.p_type != PT_LOAD)
            continue;
        if (segment.p_memsz == 0 && segment.p_filesz == 0)
            placeholder = static_cast<int>(i);
        else
            kernel_end = std::max(kernel_end, segment.p_paddr + segment.p_memsz);
    }
    if (placeholder < 0)
        fail("the kernel has no payload segment (it was not linked with Ingot's linker script)");

    std::vector<uint8_t> manifest_bytes = encode_manifest(manifest);
    // The payload's copy of the kernel's functions is for the crash reports pvh's kernel makes
    // itself; hvt's monitor reads the kernel's own symbol table, so an hvt-only image has none,
    // nor has an image without the debug component (whose kernel has no symbol table at all).
    KernelSymbolTable symbols;
    constexpr uint32_t symbolized = abi::component_pvh | abi::component_debug;
    if ((kernel_components(kernel, "the kernel") & symbolized) == symbolized)
        symbols = encode_kernel_symbols(kernel_symbols.empty() ? kernel : kernel_symbols);
    abi::PayloadHeader payload{};
    payload.magic = abi::payload_magic;
    payload.version = abi::payload_version;
    payload.header_size = sizeof payload;
    payload.manifest_offset = sizeof payload;
    payload.manifest_size = manifest_bytes.size();
    payload.symbols_offset = align_up(payload.manifest_offset + payload.manifest_size, 8);
    payload.symbols_size = symbols.bytes.size();
    payload.symbol_count = symbols.count;
    uint64_t end = align_up(payload.symbols_offset + payload.symbols_size, page);
    bool program_apart = !program_file;
    if (program_apart) {
        payload.program_offset = end;
        payload.program_size = program.size();
        end = align_up(end + program.size(), filesystem.empty() ? 1 : page);
    }
    if (!filesystem.empty()) {
        payload.filesystem_offset = end;
        payload.filesystem_size = filesystem.size();
        end += filesystem.size();
    }
    if (program_file) {
        if (program_file->offset > filesystem.size() ||
            program_file->size > filesystem.size() - program_file->offset ||
            program_file->size != program.size())
            fail("the program is not where the image's file system holds it");
        payload.program_offset = payload.filesystem_offset + program_file->offset;
        payload.program_size = program_file->size;
    }
    payload.total_size = end;

    std::vector<uint8_t> image(kernel.begin(), kernel.end());
    uint64_t payload_offset = align_up(image.size(), page);
    image.resize(payload_offset + payload.total_size, 0);
    std::memcpy(image.data() + payload_offset, &payload, sizeof payload);
    std::memcpy(image.data() + payload_offset + payload.manifest_offset, manifest_bytes.data(),
                manifest_bytes.size());
    if (!symbols.bytes.empty())
        std::memcpy(image.data() + payload_offset + payload.symbols_offset, symbols.bytes.data(),
                    symbols.bytes.size());
    if (program_apart)
        std::memcpy(image.data() + payload_offset + payload.program_offset, program.data(),
                    program.size());
    if (!filesystem.empty())
        std::memcpy(image.data() + payload_offset + payload.filesystem_offset, filesystem.data(),
                    filesystem.size());
    payload.checksum = payload_checksum(std::span<const uint8_t>(image).subspan(payload_offset));
    std::memcpy(image.data() + payload_offset, &payload, sizeof payload);

    Elf64_Phdr& segment = elf.program_headers[static_cast<size_t>(placeholder)];
    segment.p_offset = payload_offset;
    segment.p_paddr = align_up(kernel_end, page);
    segment.p_vaddr = abi::kernel_virtual_base + segment.p_paddr;
    segment.p_filesz = segment.p_memsz = payload.total_size;
    segment.p_align = page;
    std::memcpy(image.data() + elf.header.e_phoff + placeholder * sizeof(Elf64_Phdr), &segment,
                sizeof segment);
    return image;
}

Image read_image(std::span<const uint8_t> bytes, const std::string& name) {
    RawElf elf = read_raw_elf(bytes, name);
    Image image;
    image.bytes = bytes;
    image.entry = elf.header.e_entry;
    const Elf64_Phdr* payload_segment = nullptr;
    const Elf64_Phdr* last_segment = nullptr;
    for (const auto& segment : elf.program_headers) {
        if (segment.p_type == PT_LOAD)
            last_segment = &segment;
    }
    for (const auto& segment : elf.program_headers) {
        if (segment.p_type != PT_LOAD)
            continue;
        if (segment.p_offset > bytes.size() || segment.p_filesz > bytes.size() - segment.p_offset)
            fail("'{}' is truncated: a segment lies past the end of the file", name);
        if (segment.p_filesz > segment.p_memsz || segment.p_paddr > abi::maximum_memory ||
            segment.p_memsz > abi::maximum_memory)
            fail("'{}' is corrupted: a segment has impossible sizes", name);
        if (is_payload_segment(bytes, segment)) {
            payload_segment = &segment;
            continue;
        }
        if (segment.p_memsz == 0)
            continue;
        image.segments.push_back({segment.p_paddr, segment.p_offset, segment.p_filesz,
                                  segment.p_memsz, segment.p_flags});
        image.kernel_size += segment.p_memsz;
    }
    // The linker script reserves the kernel's last PT_LOAD for the payload: empty in a bare
    // kernel, and where the payload header must be in an image.
    if (!payload_segment && last_segment && last_segment->p_memsz != 0 && looks_like_image(bytes))
        fail("'{}' is a corrupted image: its payload header does not start with Ingot's magic "
             "(INGOPAD1)",
             name);
    if (!payload_segment)
        fail("'{}' is not an Ingot image (no program payload)", name);
    if (image.segments.empty())
        fail("'{}' is corrupted: it holds no kernel", name);
    std::sort(image.segments.begin(), image.segments.end(),
              [](const auto& a, const auto& b) { return a.physical_address < b.physical_address; });
    for (size_t i = 1; i < image.segments.size(); ++i) {
        const auto& previous = image.segments[i - 1];
        if (previous.physical_address + previous.memory_size > image.segments[i].physical_address)
            fail("'{}' is corrupted: kernel segments overlap", name);
    }
    if (image.segments.front().physical_address < abi::kernel_physical_base)
        fail("'{}' is corrupted: the kernel loads below 1 MiB", name);
    uint64_t kernel_end = image.load_end();
    if (payload_segment->p_paddr != kernel_end)
        fail("'{}' is corrupted: the payload is not where the kernel looks for it", name);
    if (image.entry < abi::kernel_virtual_base + abi::kernel_physical_base ||
        image.entry >= abi::kernel_virtual_base + kernel_end)
        fail("'{}' is corrupted: its entry point is outside the kernel", name);

    auto payload_bytes = bytes.subspan(payload_segment->p_offset, payload_segment->p_filesz);
    image.payload = read_at<abi::PayloadHeader>(payload_bytes, 0);
    const auto& payload = image.payload;
    if (payload.version != abi::payload_version)
        fail("'{}' was built by another version of Ingot (payload version {})", name,
             payload.version);
    if (payload.header_size != sizeof payload)
        fail("'{}' is corrupted: the payload header's size is {}, not {}", name,
             payload.header_size, sizeof payload);
    if (payload.total_size != payload_bytes.size() || payload.manifest_offset < sizeof payload ||
        payload.manifest_offset > payload.total_size ||
        payload.manifest_size > payload.total_size - payload.manifest_offset ||
        payload.program_offset % page != 0 || payload.program_offset > payload.total_size ||
        payload.program_size > payload.total_size - payload.program_offset ||
        payload.symbols_offset % 8 != 0 ||
        payload.symbols_offset < payload.manifest_offset + payload.manifest_size ||
        payload.symbols_offset > payload.total_size ||
        payload.symbols_size > payload.total_size - payload.symbols_offset ||
        payload.program_offset < payload.symbols_offset + payload.symbols_size ||
        payload.filesystem_offset % page != 0 || payload.filesystem_offset > payload.total_size ||
        payload.filesystem_size > payload.total_size - payload.filesystem_offset ||
        (payload.filesystem_size != 0 &&
         payload.filesystem_offset < payload.symbols_offset + payload.symbols_size))
        fail("'{}' is corrupted: the payload's layout is inconsistent", name);
    if (payload.total_size > abi::maximum_payload_size)
        fail("'{}' is too large: its payload is {}, Ingot maps at most {}", name,
             format_size(payload.total_size), format_size(abi::maximum_payload_size));
    image.payload_physical = payload_segment->p_paddr;
    image.payload_bytes = payload_bytes;
    image.segments.push_back({payload_segment->p_paddr, payload_segment->p_offset,
                              payload_segment->p_filesz, payload_segment->p_memsz,
                              payload_segment->p_flags});
    image.manifest =
        decode_manifest(payload_bytes.subspan(payload.manifest_offset, payload.manifest_size));
    check_kernel_symbols(payload_bytes.subspan(payload.symbols_offset, payload.symbols_size),
                         payload.symbol_count, name);
    image.program = payload_bytes.subspan(payload.program_offset, payload.program_size);
    image.program_info = check_program(image.program, name + " (embedded program)");
    image.filesystem = payload_bytes.subspan(payload.filesystem_offset, payload.filesystem_size);
    if (!image.filesystem.empty())
        list_filesystem(image.filesystem, name);
    // Last: the checks above name what is wrong; this one catches what they cannot see, such as
    // a few bytes overwritten inside the program.
    if (payload_checksum(payload_bytes) != payload.checksum)
        fail("'{}' is a corrupted image: its payload does not match its checksum", name);
    return image;
}

} // namespace ingot
