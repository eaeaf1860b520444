#include "loader/program_loader.h"

#include "fs/vfs/inode.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "loader/elf.h"

#include <ingot/abi/memory_layout.h>

namespace kernel {

namespace {

constexpr uint64_t page = abi::page_size;
constexpr size_t max_segments = 32;

struct Span {
    uint64_t start, end;
    uint32_t protection;
};

ErrorOr<void> validate(const uint8_t* image, size_t size, elf::Header& header) {
    if (size < sizeof header)
        return EINVAL;
    memcpy(&header, image, sizeof header);
    if (!elf::is_x86_64(header) ||
        (header.type != elf::type_executable && header.type != elf::type_shared) ||
        header.program_header_size != sizeof(elf::ProgramHeader) ||
        header.program_header_count == 0)
        return EINVAL;
    uint64_t table_end;
    if (!range_end(header.program_header_offset,
                   uint64_t(header.program_header_count) * sizeof(elf::ProgramHeader), table_end) ||
        table_end > size)
        return EINVAL;
    return {};
}

elf::ProgramHeader program_header(const uint8_t* image, const elf::Header& header, size_t index) {
    elf::ProgramHeader entry;
    memcpy(&entry, image + header.program_header_offset + index * sizeof entry, sizeof entry);
    return entry;
}

} // namespace

uint32_t segment_protection(uint32_t flags) {
    uint32_t prot = 0;
    if (flags & elf::flag_read)
        prot |= protection::read;
    if (flags & elf::flag_write)
        prot |= protection::write;
    if (flags & elf::flag_execute)
        prot |= protection::execute;
    return prot;
}

ErrorOr<LoadedProgram> load_program(const uint8_t* image, size_t size, PhysicalAddress physical,
                                    AddressSpace& space, FrameAllocator& frames) {
    elf::Header header;
    TRY(validate(image, size, header));

    elf::ProgramHeader loads[max_segments];
    size_t load_count = 0;
    uint64_t phdr_address = 0;
    bool has_phdr_segment = false;
    const char* interpreter = nullptr;
    for (size_t i = 0; i < header.program_header_count; ++i) {
        elf::ProgramHeader segment = program_header(image, header, i);
        if (segment.type == elf::segment_interpreter) {
            // Linux's load_elf_binary: the path, NUL-terminated, of 2 to PATH_MAX bytes.
            uint64_t path_end;
            if (segment.file_size < 2 || segment.file_size > vfs::path_max ||
                !range_end(segment.offset, segment.file_size, path_end) || path_end > size ||
                image[path_end - 1] != 0)
                return ENOEXEC;
            interpreter = reinterpret_cast<const char*>(image + segment.offset);
        }
        if (segment.type == elf::segment_program_headers) {
            phdr_address = segment.virtual_address;
            has_phdr_segment = true;
        }
        if (segment.type != elf::segment_load || segment.memory_size == 0)
            continue;
        uint64_t file_end, memory_end;
        if (load_count == max_segments || segment.file_size > segment.memory_size ||
            !range_end(segment.offset, segment.file_size, file_end) || file_end > size ||
            !range_end(segment.virtual_address, segment.memory_size, memory_end) ||
            (load_count && segment.virtual_address < loads[load_count - 1].virtual_address))
            return EINVAL;
        loads[load_count++] = segment;
    }
    if (load_count == 0)
        return EINVAL;

    LoadedProgram program{};
    uint64_t lowest = align_down(loads[0].virtual_address, page);
    program.load_bias = header.type == elf::type_shared ? static_pie_base - lowest : 0;
    uint64_t bias = program.load_bias;
    uint64_t highest = loads[load_count - 1].virtual_address + loads[load_count - 1].memory_size;
    // Keep the top terabyte of the user half for the stack and the mmap area.
    if (lowest + bias < abi::page_size * 16 || highest + bias >= abi::user_space_end - (1ull << 40))
        return EINVAL;

    if (!has_phdr_segment) {
        for (size_t i = 0; i < load_count; ++i) {
            if (loads[i].offset <= header.program_header_offset &&
                header.program_header_offset < loads[i].offset + loads[i].file_size) {
                phdr_address =
                    loads[i].virtual_address + header.program_header_offset - loads[i].offset;
                has_phdr_segment = true;
            }
        }
        if (!has_phdr_segment)
            return EINVAL;
    }

    // Page spans with one protection each; a page two segments share gets both protections.
    Span spans[max_segments * 2];
    size_t span_count = 0;
    for (size_t i = 0; i < load_count; ++i) {
        uint64_t start = align_down(loads[i].virtual_address + bias, page);
        uint64_t end = align_up(loads[i].virtual_address + loads[i].memory_size + bias, page);
        uint32_t prot = segment_protection(loads[i].flags);
        if (span_count && start < spans[span_count - 1].end) {
            Span& previous = spans[span_count - 1];
            if (end <= previous.end) {
                previous.protection |= prot; // nested: rare, merge wholesale
                continue;
            }
            uint64_t shared_end = previous.end;
            uint32_t shared_prot = previous.protection | prot;
            if (previous.start == start) {
                previous.protection = shared_prot;
            } else {
                previous.end = start;
                spans[span_count++] = {start, shared_end, shared_prot};
            }
            start = shared_end;
        }
        if (start < end)
            spans[span_count++] = {start, end, prot};
    }

    bool aligned = is_aligned(physical, page);
    for (size_t s = 0; s < span_count; ++s) {
        const Span& span = spans[s];
        TRY(space.add_region(span.start, span.end, span.protection, RegionKind::Program));
        for (uint64_t address = span.start; address < span.end; address += page) {
            // In place when one read-only segment's file bytes cover the whole page.
            bool mapped = false;
            if (!(span.protection & protection::write) && aligned) {
                for (size_t i = 0; i < load_count && !mapped; ++i) {
                    const auto& segment = loads[i];
                    uint64_t file_start = segment.virtual_address + bias;
                    if (address < file_start || address + page > file_start + segment.file_size ||
                        !is_aligned(segment.offset - segment.virtual_address, page))
                        continue;
                    PhysicalAddress frame = physical + segment.offset + (address - file_start);
                    // The payload's page: munmap must not hand it to the frame allocator.
                    TRY(space.page_table().map(address, frame,
                                               AddressSpace::entry_flags(span.protection) |
                                                   pte::borrowed));
                    ++program.shared_pages;
                    mapped = true;
                }
            }
            if (mapped)
                continue;
            PhysicalAddress frame = TRY(frames.allocate(Zeroed::Yes));
            uint8_t* destination = frames.to_virtual(frame);
            for (size_t i = 0; i < load_count; ++i) {
                const auto& segment = loads[i];
                uint64_t file_start = segment.virtual_address + bias;
                uint64_t copy_start = max(address, file_start);
                uint64_t copy_end = min(address + page, file_start + segment.file_size);
                if (copy_start < copy_end)
                    memcpy(destination + (copy_start - address),
                           image + segment.offset + (copy_start - file_start),
                           copy_end - copy_start);
            }
            TRY(space.page_table().map(address, frame, AddressSpace::entry_flags(span.protection)));
            ++program.copied_pages;
        }
    }

    program.interpreter = interpreter;
    program.entry = header.entry + bias;
    program.program_headers = phdr_address + bias;
    program.program_header_count = header.program_header_count;
    program.end = align_up(highest + bias, page);
    return program;
}

} // namespace kernel
