#include "loader/interpreter_loader.h"

#include "lib/string.h"
#include "lib/utility.h"
#include "loader/elf.h"
#include "loader/program_loader.h"

#include <ingot/abi/memory_layout.h>

namespace kernel {

namespace {

constexpr uint64_t page = abi::page_size;
// glibc's and musl's loaders have 7 to 11 program headers; Linux allows 64 KiB of them.
constexpr size_t max_program_headers = 64;

// Exactly `length` bytes at `offset`, or EIO when the file is shorter.
ErrorOr<void> read_exactly(vfs::Inode& file, uint64_t offset, void* destination, size_t length) {
    auto* bytes = static_cast<uint8_t*>(destination);
    size_t done = 0;
    while (done < length) {
        size_t got =
            TRY(file.read(offset + done, vfs::IoBuffer::kernel(bytes + done), length - done));
        if (got == 0)
            return EIO;
        done += got;
    }
    return {};
}

// Linux's load_elf_binary checks of the interpreter's header: an x86-64 ELF, ET_DYN or ET_EXEC,
// with program headers of the expected size; anything else cannot be executed.
ErrorOr<void> read_header(vfs::Inode& file, elf::Header& header) {
    if (read_exactly(file, 0, &header, sizeof header).is_error())
        return ENOEXEC;
    if (!elf::is_x86_64(header) ||
        (header.type != elf::type_executable && header.type != elf::type_shared))
        return ENOEXEC;
    if (header.program_header_size != sizeof(elf::ProgramHeader) ||
        header.program_header_count == 0 || header.program_header_count > max_program_headers)
        return EINVAL;
    return {};
}

// A PT_LOAD segment's file bytes as a private mapping, then its zero-filled rest: the end of
// the last file page cleared (Linux's padzero) and whole pages beyond it anonymous.
ErrorOr<void> map_segment(vfs::Inode& file, const RefPtr<MappingName>& name,
                          const elf::ProgramHeader& segment, uint64_t bias, AddressSpace& space,
                          FrameAllocator& frames) {
    uint32_t prot = segment_protection(segment.flags);
    uint64_t start = align_down(segment.virtual_address + bias, page);
    uint64_t file_end = segment.virtual_address + bias + segment.file_size;
    uint64_t memory_end = align_up(segment.virtual_address + bias + segment.memory_size, page);
    uint64_t mapped_end = start;
    if (segment.file_size) {
        mapped_end = align_up(file_end, page);
        FileBacking backing{RefPtr<vfs::Inode>(file), align_down(segment.offset, page), false,
                            false, name};
        TRY(space.map_file(start, mapped_end - start, prot, Placement::Fixed, move(backing)));
        PhysicalAddress tail;
        if (mapped_end != file_end && (prot & protection::write) &&
            space.page_table().translate(align_down(file_end, page), tail))
            memset(frames.to_virtual(tail & pte::address_mask) + (file_end % page), 0,
                   mapped_end - file_end);
    }
    if (mapped_end < memory_end)
        TRY(space.map_anonymous(mapped_end, memory_end - mapped_end, prot, Placement::Fixed,
                                RegionKind::Anonymous));
    return {};
}

} // namespace

ErrorOr<LoadedInterpreter> load_interpreter(vfs::Inode& file, StringView path, AddressSpace& space,
                                            FrameAllocator& frames) {
    if (file.type() != vfs::NodeType::Regular)
        return EACCES;
    elf::Header header;
    TRY(read_header(file, header));
    elf::ProgramHeader headers[max_program_headers];
    size_t count = header.program_header_count;
    TRY(read_exactly(file, header.program_header_offset, headers, count * sizeof headers[0]));

    // Linux's total_mapping_size: from the first PT_LOAD's page to the last one's end, with the
    // segments in ascending order and each one's offset congruent to its address.
    uint64_t lowest = 0, highest = 0;
    bool any = false;
    for (size_t i = 0; i < count; ++i) {
        const auto& segment = headers[i];
        if (segment.type != elf::segment_load || segment.memory_size == 0)
            continue;
        uint64_t file_end, memory_end;
        if (segment.file_size > segment.memory_size ||
            !range_end(segment.offset, segment.file_size, file_end) ||
            !range_end(segment.virtual_address, segment.memory_size, memory_end) ||
            memory_end > abi::user_space_end ||
            segment.offset % page != segment.virtual_address % page ||
            (any && segment.virtual_address < highest))
            return EINVAL;
        if (!any)
            lowest = align_down(segment.virtual_address, page);
        highest = memory_end;
        any = true;
    }
    if (!any)
        return EINVAL;
    uint64_t span = align_up(highest, page) - lowest;

    // Reserve the whole span where the mmap area has room (a shared object goes anywhere; an
    // executable where it was linked), map the segments over it, then give back the gaps.
    uint64_t base;
    if (header.type == elf::type_shared)
        base = TRY(space.map_anonymous(0, span, protection::none, Placement::Anywhere,
                                       RegionKind::Anonymous));
    else
        base = TRY(space.map_anonymous(lowest, span, protection::none, Placement::FixedNoReplace,
                                       RegionKind::Anonymous));
    uint64_t bias = base - lowest;
    auto name = MappingName::make(path);
    uint64_t covered = base;
    for (size_t i = 0; i < count; ++i) {
        const auto& segment = headers[i];
        if (segment.type != elf::segment_load || segment.memory_size == 0)
            continue;
        auto mapped = map_segment(file, name, segment, bias, space, frames);
        uint64_t start = align_down(segment.virtual_address + bias, page);
        if (!mapped.is_error() && start > covered)
            mapped = space.unmap(covered, start - covered);
        if (mapped.is_error()) {
            (void)space.unmap(base, span);
            return mapped.error();
        }
        covered =
            max(covered, align_up(segment.virtual_address + bias + segment.memory_size, page));
    }
    return LoadedInterpreter{base, header.entry + bias};
}

} // namespace kernel
