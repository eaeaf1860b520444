#include "linux/syscall_rewriter.h"

#include "debug/program_cfi.h"
#include "lib/string.h"
#include "linux/syscall_site.h"
#include "loader/elf.h"
#include "mm/user_memory.h"

#include <ingot/abi/memory_layout.h>

namespace kernel::syscall_rewriter {

namespace {

constexpr uint64_t page = abi::page_size;
// A stub page starts with the entry's address, which every stub on it jumps through.
constexpr size_t first_stub = syscall_site::stub_size;
// Longer functions are left alone: the decode from their start would cost too much.
constexpr uint64_t largest_function = 1 << 20;
constexpr uint32_t segment_eh_frame_header = 0x6474e550; // PT_GNU_EH_FRAME

bool enabled;
uint64_t call_entry;
ProgramTables program;

struct StubPage {
    uint64_t address;
    size_t used;
};
StubPage stub_pages[64];
size_t stub_page_count;

// Sites already rewritten or found not to be, so a trapping site is looked at once. Direct
// mapped: a site pushed out is looked at again, and found rewritten or refused again.
uint64_t decided[1024];

bool is_decided(uint64_t site) {
    return decided[(site >> 1) % (sizeof decided / sizeof decided[0])] == site;
}

void remember(uint64_t site) {
    decided[(site >> 1) % (sizeof decided / sizeof decided[0])] = site;
}

template <typename T> ErrorOr<const T*> user_object(uint64_t address, size_t count = 1) {
    void* bytes = TRY(user_range(address, sizeof(T) * count, Access::Read));
    return static_cast<const T*>(bytes);
}

// The unwind tables of the ELF object whose first page is mapped at `base` (a library, the
// interpreter), read in place through its PT_GNU_EH_FRAME.
ErrorOr<debug::EhFrame> loaded_cfi(uint64_t base) {
    const auto* header = TRY(user_object<elf::Header>(base));
    if (memcmp(header->ident,
               "\x7f"
               "ELF",
               4) != 0 ||
        header->type != elf::type_shared ||
        header->program_header_size != sizeof(elf::ProgramHeader))
        return ENOEXEC;
    const auto* segments = TRY(user_object<elf::ProgramHeader>(base + header->program_header_offset,
                                                               header->program_header_count));
    const elf::ProgramHeader* frame_header = nullptr;
    uint64_t lowest = UINT64_MAX;
    for (size_t i = 0; i < header->program_header_count; ++i) {
        if (segments[i].type == elf::segment_load && segments[i].virtual_address < lowest)
            lowest = segments[i].virtual_address;
        if (segments[i].type == segment_eh_frame_header)
            frame_header = &segments[i];
    }
    if (!frame_header || lowest == UINT64_MAX)
        return ENOENT;
    uint64_t bias = base - (lowest & ~(page - 1));
    uint64_t header_address = bias + frame_header->virtual_address;
    const Region* region = user_address_space().find(header_address);
    if (!region || !(region->protection & protection::read) ||
        region->end - header_address < frame_header->memory_size)
        return EFAULT;
    const auto* readable = TRY(user_object<uint8_t>(region->start, region->end - region->start));
    return debug::find_loaded_cfi(
        {readable + (header_address - region->start), frame_header->memory_size, header_address},
        {readable, region->end - region->start, region->start});
}

// Where the ELF object holding `address` begins: the mapping of its file at offset 0 that
// lies closest below.
ErrorOr<uint64_t> mapped_object_base(uint64_t address) {
    const Region* region = user_address_space().find(address);
    if (!region || !region->inode())
        return ENOENT;
    uint64_t base = 0;
    bool found = false;
    user_address_space().for_each_region([&](const Region& other) {
        if (other.inode() == region->inode() && other.file_offset() == 0 &&
            other.start <= address) {
            base = other.start;
            found = true;
        }
    });
    if (!found)
        return ENOENT;
    return base;
}

ErrorOr<uint64_t> function_start(uint64_t address) {
    if (auto fde = program.cfi.find(address); !fde.is_error())
        return fde.value().pc_begin;
    if (auto symbol = program.symbols.lookup(address))
        return address - symbol.offset;
    debug::EhFrame cfi = TRY(loaded_cfi(TRY(mapped_object_base(address))));
    return TRY(cfi.find(address)).pc_begin;
}

ErrorOr<void> write_program(uint64_t address, const uint8_t* bytes, size_t length) {
    for (size_t i = 0; i < length; ++i)
        *TRY(user_address_space().private_byte(address + i)) = bytes[i];
    return {};
}

// Room for one stub within reach of a jump at `jump_address`: on a page already in use, or on
// a new one, the highest free page below the site.
ErrorOr<uint64_t> stub_for(uint64_t jump_address) {
    for (size_t i = 0; i < stub_page_count; ++i) {
        StubPage& stubs = stub_pages[i];
        uint64_t stub = stubs.address + stubs.used;
        if (stubs.used < page &&
            syscall_site::reaches(jump_address, syscall_site::jump_length, stub)) {
            stubs.used += syscall_site::stub_size;
            return stub;
        }
    }
    if (stub_page_count == sizeof stub_pages / sizeof stub_pages[0])
        return ENOMEM;
    AddressSpace& space = user_address_space();
    uint64_t address = TRY(space.map_anonymous(jump_address & ~(page - 1), page,
                                               protection::read | protection::execute,
                                               Placement::Below, RegionKind::SyscallStubs));
    if (!syscall_site::reaches(jump_address, syscall_site::jump_length, address + first_stub)) {
        (void)space.unmap(address, page);
        return ENOMEM;
    }
    TRY(write_program(address, reinterpret_cast<const uint8_t*>(&call_entry), sizeof call_entry));
    stub_pages[stub_page_count++] = {address, first_stub + syscall_site::stub_size};
    return address + first_stub;
}

ErrorOr<void> rewrite_site(uint64_t site) {
    const Region* region = user_address_space().find(site);
    if (!region || (region->kind != RegionKind::Program && region->kind != RegionKind::File) ||
        region->is_shared())
        return ENOTSUP;
    uint64_t start = TRY(function_start(site));
    if (start >= site || site - start > largest_function)
        return EINVAL;
    size_t offset = site - start;
    const auto* function = TRY(user_object<uint8_t>(start, offset + syscall_site::syscall_length));
    syscall_site::Plan plan = TRY(syscall_site::plan(function, offset));
    uint64_t moved_address = site - plan.length;
    uint64_t stub = TRY(stub_for(moved_address));
    uint8_t bytes[syscall_site::stub_size];
    syscall_site::write_stub(bytes, stub, function + offset - plan.length, plan, site,
                             stub & ~(page - 1));
    TRY(write_program(stub, bytes, syscall_site::stub_size));
    syscall_site::write_jump(bytes, moved_address, plan, stub);
    return write_program(moved_address, bytes, plan.length);
}

} // namespace

void enable(uint64_t entry, const ProgramTables& tables) {
    enabled = true;
    call_entry = entry;
    program = tables;
}

void rewrite(uint64_t return_address) {
    uint64_t site = return_address - syscall_site::syscall_length;
    if (!enabled || is_decided(site))
        return;
    remember(site);
    (void)rewrite_site(site);
}

} // namespace kernel::syscall_rewriter
