#include "linux/syscall_rewriter.h"

#include "debug/program_cfi.h"
#include "lib/utility.h"
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
// Dead bytes after a function that a rewritten site may use (alignment padding is shorter).
constexpr size_t largest_padding = 32;
// A library's .eh_frame_hdr and .eh_frame together (libLLVM's are about 10 MiB).
constexpr uint64_t largest_unwind_tables = 64ull << 20;

bool enabled;
uint64_t call_entry;
ProgramTables program;

struct StubPage {
    uint64_t address;
    size_t used;
};
StubPage stub_pages[64];
size_t stub_page_count;

// The sites that trapped: once (`site << 1`), or twice, when the site was rewritten or found
// not to be (`site << 1 | 1`), so that a site is looked at once. Direct mapped: a site pushed
// out starts again.
uint64_t sites_seen[1024];

uint64_t& seen_slot(uint64_t site) {
    return sites_seen[(site >> 1) % (sizeof sites_seen / sizeof sites_seen[0])];
}

template <typename T> ErrorOr<const T*> user_object(uint64_t address, size_t count = 1) {
    void* bytes = TRY(user_range(address, sizeof(T) * count, Access::Read));
    return static_cast<const T*>(bytes);
}

// The unwind tables of the ELF object whose first page is mapped at `base` (a library, the
// interpreter), read in place through its PT_GNU_EH_FRAME.
ErrorOr<debug::EhFrame> loaded_cfi(uint64_t base) {
    const auto* header = TRY(user_object<elf::Header>(base));
    if (!elf::is_x86_64(*header) || header->type != elf::type_shared ||
        header->program_header_size != sizeof(elf::ProgramHeader))
        return ENOEXEC;
    const auto* segments = TRY(user_object<elf::ProgramHeader>(base + header->program_header_offset,
                                                               header->program_header_count));
    const elf::ProgramHeader* frame_header = nullptr;
    uint64_t lowest = UINT64_MAX;
    for (size_t i = 0; i < header->program_header_count; ++i) {
        if (segments[i].type == elf::segment_load && segments[i].virtual_address < lowest)
            lowest = segments[i].virtual_address;
        if (segments[i].type == elf::segment_eh_frame_header)
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
    // The linker puts .eh_frame right after .eh_frame_hdr; what is read is checked (populated)
    // first, so bound it for a huge segment.
    uint64_t length = min<uint64_t>(region->end - header_address, largest_unwind_tables);
    const auto* readable = TRY(user_object<uint8_t>(header_address, length));
    return debug::find_loaded_cfi({readable, frame_header->memory_size, header_address},
                                  {readable, length, header_address});
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

struct Function {
    uint64_t start;
    uint64_t end;
};

// The function holding `address`: from the main program's tables, or from those of the loaded
// object (a library, the interpreter) holding it, which `loaded` then keeps. The symbols first:
// a static program's .eh_frame has no index, and its scan costs more.
ErrorOr<Function> function_at(uint64_t address, debug::EhFrame& loaded) {
    if (auto symbol = program.symbols.lookup(address))
        return Function{address - symbol.offset, address - symbol.offset + symbol.size};
    if (auto fde = program.cfi.find(address); !fde.is_error())
        return Function{fde.value().pc_begin, fde.value().pc_end};
    loaded = TRY(loaded_cfi(TRY(mapped_object_base(address))));
    auto fde = TRY(loaded.find(address));
    return Function{fde.pc_begin, fde.pc_end};
}

// In the order function_at() asks them: the program's symbols before its unindexed .eh_frame.
bool in_a_function(uint64_t address, const debug::EhFrame& loaded) {
    return program.symbols.lookup(address) || !program.cfi.find(address).is_error() ||
           !loaded.find(address).is_error();
}

// How many bytes after a function lie in no function (padding before the next one, maybe).
size_t bytes_after(const Function& function, const debug::EhFrame& loaded) {
    size_t count = 0;
    while (count < largest_padding &&
           user_address_space().is_accessible(function.end + count, 1, Access::Read) &&
           !in_a_function(function.end + count, loaded))
        ++count;
    return count;
}

// The plan for the site at `offset` into `function`, whose bytes `code` then points to. Dead
// bytes after the function may serve when none inside does: looking for them costs more.
ErrorOr<syscall_site::Plan> plan_site(const Function& function, size_t offset,
                                      const debug::EhFrame& loaded, const uint8_t*& code) {
    size_t length = function.end - function.start;
    code = TRY(user_object<uint8_t>(function.start, length));
    auto planned = syscall_site::plan(code, length, 0, offset);
    if (!planned.is_error() || planned.error().code() != ENOTSUP)
        return move(planned);
    size_t trailing = bytes_after(function, loaded);
    code = TRY(user_object<uint8_t>(function.start, length + trailing));
    return syscall_site::plan(code, length, trailing, offset);
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
        if (stubs.used + syscall_site::stub_size <= page &&
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
    debug::EhFrame loaded;
    Function function = TRY(function_at(site, loaded));
    if (function.start > site || function.end <= site ||
        function.end - function.start > largest_function)
        return EINVAL;
    size_t offset = site - function.start;
    const uint8_t* code = nullptr;
    syscall_site::Plan plan = TRY(plan_site(function, offset, loaded, code));

    // The stub first, then the jump to it (in the moved instruction's place, or in dead
    // bytes), and for padding the short jump to that last: until then the site traps as before.
    bool moved = plan.kind == syscall_site::Plan::Kind::Moved;
    uint64_t jump = moved ? site - plan.moved_length : function.start + plan.padding_offset;
    uint64_t stub = TRY(stub_for(jump));
    uint8_t bytes[256];
    if (!syscall_site::write_stub(bytes, stub, plan,
                                  code + offset - (moved ? plan.moved_length : 0), site,
                                  stub & ~(page - 1)))
        return ENOTSUP;
    TRY(write_program(stub, bytes, syscall_site::stub_size));
    size_t jump_length = moved ? plan.moved_length : plan.padding_length;
    syscall_site::write_jump(bytes, jump, jump_length, stub);
    TRY(write_program(jump, bytes, jump_length));
    if (moved)
        return {};
    syscall_site::write_short_jump(bytes, plan, offset);
    return write_program(site, bytes, syscall_site::syscall_length);
}

} // namespace

void enable(uint64_t entry, const ProgramTables& tables) {
    enabled = true;
    call_entry = entry;
    program = tables;
}

void rewrite(uint64_t return_address) {
    uint64_t site = return_address - syscall_site::syscall_length;
    if (!enabled)
        return;
    // A site that runs once (most of a program's start-up) would only pay for its rewrite.
    uint64_t& slot = seen_slot(site);
    if (slot != site << 1) {
        if (slot != (site << 1 | 1))
            slot = site << 1;
        return;
    }
    slot = site << 1 | 1;
    (void)rewrite_site(site);
}

} // namespace kernel::syscall_rewriter
