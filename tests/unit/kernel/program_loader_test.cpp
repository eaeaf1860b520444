#include "kernel/kernel_test_support.h"

#include "loader/program_loader.h"

namespace {

using kernel::AddressSpace;
using kernel::FrameAllocator;
using kernel::LoadedProgram;
using kernel::PageTable;
using kernel::PhysicalAddress;
using kernel::Region;
using kernel::RegionKind;
using kernel::Zeroed;
namespace pte = kernel::pte;
namespace protection = kernel::protection;
using ingot_test::ElfSegment;
using ingot_test::make_elf;
using ingot_test::read_struct;
using kernel_test::error_of;
using kernel_test::GuestRam;
using kernel_test::value_of;

constexpr uint64_t page = 4096;
constexpr uint64_t memory_size = 16 << 20;
constexpr uint64_t image_physical = 1 << 20; // where the "payload" holds the program
constexpr uint64_t user_lowest = 0x10000, stack_top = 0x7ffffffff000;

uint64_t align_up(uint64_t value) {
    return (value + page - 1) & ~(page - 1);
}

// A PT_PHDR entry (no file bytes of its own), so hand-made programs have an AT_PHDR.
ElfSegment phdr(uint64_t address) {
    return {PT_PHDR, PF_R, address, 3 * sizeof(Elf64_Phdr), {}};
}

// Guest RAM with the program copied in at image_physical (reserved, like the payload), the
// frame allocator over the rest, and an empty address space.
class ProgramLoaderTest : public ::testing::Test {
protected:
    ProgramLoaderTest() : ram(memory_size) {}

    // `misalignment`: how far past a page boundary the program starts in guest memory.
    void place(const std::vector<uint8_t>& program, uint64_t misalignment = 0) {
        ASSERT_FALSE(program.empty());
        ASSERT_LT(image_physical + program.size(), memory_size / 2);
        space.reset(); // before its page table and frames are replaced
        table.reset();
        std::memset(ram.base(), 0, ram.size());
        bytes = program;
        physical = image_physical + misalignment;
        std::memcpy(ram.base() + physical, bytes.data(), bytes.size());
        frames.initialize(ram.base(), memory_size, align_up(physical + bytes.size()), true);
        root = value_of(frames.allocate(Zeroed::Yes));
        table = std::make_unique<PageTable>(frames, root);
        space = std::make_unique<AddressSpace>(frames, *table, user_lowest, stack_top);
    }
    kernel::ErrorOr<LoadedProgram> load(size_t size = SIZE_MAX) {
        return kernel::load_program(ram.base() + physical, size == SIZE_MAX ? bytes.size() : size,
                                    physical, *space, frames);
    }
    int load_error(const std::vector<uint8_t>& program) {
        place(program);
        return error_of(load());
    }

    // Every page of every PT_LOAD segment is mapped, holds the file's bytes where the file has
    // them and zeros elsewhere, is shared with the image exactly when it is read-only and wholly
    // file-backed, and has its segment's protection.
    void verify_mapping(const LoadedProgram& program, bool sharing_possible = true) {
        auto header = read_struct<Elf64_Ehdr>(bytes, 0);
        std::vector<Elf64_Phdr> loads;
        for (size_t i = 0; i < header.e_phnum; ++i) {
            auto segment = read_struct<Elf64_Phdr>(bytes, header.e_phoff + i * sizeof(Elf64_Phdr));
            if (segment.p_type == PT_LOAD && segment.p_memsz)
                loads.push_back(segment);
        }
        uint64_t bias = program.load_bias;
        std::set<uint64_t> pages;
        for (const auto& segment : loads)
            for (uint64_t a = (segment.p_vaddr + bias) & ~(page - 1);
                 a < segment.p_vaddr + bias + segment.p_memsz; a += page)
                pages.insert(a);
        size_t shared = 0, copied = 0;
        for (uint64_t address : pages) {
            PhysicalAddress physical;
            ASSERT_TRUE(table->translate(address, physical)) << std::hex << address;
            uint64_t entry = *table->leaf(address);
            bool in_image = physical >= this->physical && physical < this->physical + bytes.size();
            (in_image ? shared : copied)++;
            const uint8_t* memory = frames.to_virtual(physical);
            bool writable = false, executable = false, wholly_file_backed = false;
            for (const auto& segment : loads) {
                uint64_t start = segment.p_vaddr + bias;
                if (address + page <= (start & ~(page - 1)) || address >= start + segment.p_memsz)
                    continue;
                writable |= bool(segment.p_flags & PF_W);
                executable |= bool(segment.p_flags & PF_X);
                wholly_file_backed |=
                    address >= start && address + page <= start + segment.p_filesz;
            }
            EXPECT_EQ(bool(entry & pte::writable), writable) << std::hex << address;
            EXPECT_EQ(!(entry & pte::no_execute), executable) << std::hex << address;
            EXPECT_EQ(in_image, sharing_possible && !writable && wholly_file_backed)
                << std::hex << address;
            const Region* region = space->find(address);
            ASSERT_NE(region, nullptr) << std::hex << address;
            EXPECT_EQ(region->kind, RegionKind::Program);
            EXPECT_EQ(bool(region->protection & protection::write), writable);
            for (uint64_t offset = 0; offset < page; ++offset) {
                uint64_t virtual_address = address + offset;
                int expected = -1; // anything: outside every segment on a shared page
                for (const auto& segment : loads) {
                    uint64_t start = segment.p_vaddr + bias;
                    if (virtual_address >= start && virtual_address < start + segment.p_filesz)
                        expected = bytes[segment.p_offset + (virtual_address - start)];
                    else if (virtual_address >= start && virtual_address < start + segment.p_memsz)
                        expected = 0;
                }
                if (expected < 0 && !in_image)
                    expected = 0;
                if (expected >= 0) {
                    ASSERT_EQ(memory[offset], expected) << std::hex << "at " << virtual_address;
                }
            }
        }
        EXPECT_EQ(program.shared_pages, shared);
        EXPECT_EQ(program.copied_pages, copied);
        uint64_t highest = 0;
        for (const auto& segment : loads)
            highest = std::max<uint64_t>(highest, segment.p_vaddr + segment.p_memsz);
        EXPECT_EQ(program.end, align_up(highest + bias));
    }

    GuestRam ram;
    std::vector<uint8_t> bytes;
    PhysicalAddress physical = image_physical;
    FrameAllocator frames;
    PhysicalAddress root = 0;
    std::unique_ptr<PageTable> table;
    std::unique_ptr<AddressSpace> space;
};

TEST_F(ProgramLoaderTest, LoadsStaticExecutable) {
    place(ingot_test::read_file(ingot_test::static_program_path()));
    size_t free_before = frames.free_frames();
    LoadedProgram program = value_of(load());
    auto header = read_struct<Elf64_Ehdr>(bytes, 0);
    EXPECT_EQ(program.load_bias, 0u);
    EXPECT_EQ(program.entry, header.e_entry);
    EXPECT_EQ(program.program_header_count, header.e_phnum);
    // No PT_PHDR in a static glibc program: found through the first segment (at 0x400000).
    EXPECT_EQ(program.program_headers, 0x400000 + header.e_phoff);
    EXPECT_GT(program.shared_pages, 50u) << "read-only text should be mapped in place";
    EXPECT_GT(program.copied_pages, 0u);
    // Only copied pages (and page tables) cost frames.
    EXPECT_LE(free_before - frames.free_frames(), program.copied_pages + 8);
    EXPECT_GE(free_before - frames.free_frames(), program.copied_pages);
    verify_mapping(program);
    EXPECT_TRUE(space->is_accessible(program.entry, 16, kernel::Access::Read));
    EXPECT_FALSE(space->is_accessible(program.entry, 16, kernel::Access::Write));
    // The image itself is left intact.
    EXPECT_EQ(std::memcmp(ram.base() + physical, bytes.data(), bytes.size()), 0);
}

// The payload's pages are read-only to the guest on hvt (its own KVM slot): a program that
// makes its text writable gets copies, and the image stays as it was.
TEST_F(ProgramLoaderTest, WritableTextIsCopiedOutOfThePayload) {
    place(ingot_test::read_file(ingot_test::static_program_path()));
    LoadedProgram program = value_of(load());
    uint64_t text = program.entry & ~(page - 1);
    PhysicalAddress before;
    ASSERT_TRUE(table->translate(text, before));
    ASSERT_TRUE(before >= physical && before < physical + bytes.size()) << "text not shared";
    ASSERT_FALSE(
        space->protect(text, page, protection::read | protection::write | protection::execute)
            .is_error());
    PhysicalAddress after;
    ASSERT_TRUE(table->translate(text, after));
    EXPECT_FALSE(after >= physical && after < physical + bytes.size());
    EXPECT_EQ(*table->leaf(text) & pte::borrowed, 0u) << "the copy is the program's own";
    EXPECT_EQ(std::memcmp(frames.to_virtual(after), frames.to_virtual(before), page), 0);
    frames.to_virtual(after)[0] ^= 0xff;
    EXPECT_EQ(std::memcmp(ram.base() + physical, bytes.data(), bytes.size()), 0);
}

TEST_F(ProgramLoaderTest, LoadsStaticPieAtItsBase) {
    place(ingot_test::read_file(ingot_test::static_pie_program_path()));
    LoadedProgram program = value_of(load());
    auto header = read_struct<Elf64_Ehdr>(bytes, 0);
    EXPECT_EQ(program.load_bias, kernel::static_pie_base); // its first segment is at 0
    EXPECT_EQ(program.entry, header.e_entry + kernel::static_pie_base);
    EXPECT_EQ(program.program_headers, kernel::static_pie_base + header.e_phoff);
    verify_mapping(program);
}

TEST_F(ProgramLoaderTest, UnalignedImageIsCopiedNotShared) {
    // If the program does not start on a page boundary in guest memory nothing can be mapped in
    // place.
    place(ingot_test::read_file(ingot_test::static_program_path()), 8);
    LoadedProgram loaded = value_of(load());
    EXPECT_EQ(loaded.shared_pages, 0u);
    EXPECT_GT(loaded.copied_pages, 50u);
    verify_mapping(loaded, false);
}

// The PT_INTERP path of an ELF file, read directly.
std::string interpreter_of(const std::vector<uint8_t>& program) {
    auto header = read_struct<Elf64_Ehdr>(program, 0);
    for (size_t i = 0; i < header.e_phnum; ++i) {
        auto segment = read_struct<Elf64_Phdr>(program, header.e_phoff + i * sizeof(Elf64_Phdr));
        if (segment.p_type == PT_INTERP)
            return std::string(reinterpret_cast<const char*>(program.data() + segment.p_offset));
    }
    return {};
}

TEST_F(ProgramLoaderTest, DynamicProgramIsMappedAndNamesItsInterpreter) {
    place(ingot_test::read_file(ingot_test::dynamic_program_path()));
    std::string expected = interpreter_of(bytes);
    ASSERT_FALSE(expected.empty());
    LoadedProgram program = value_of(load());
    ASSERT_NE(program.interpreter, nullptr);
    EXPECT_EQ(std::string(program.interpreter), expected);
    // A PIE: at the base Linux gives PIE programs (ELF_ET_DYN_BASE).
    EXPECT_EQ(program.load_bias, kernel::static_pie_base);
    verify_mapping(program);
}

TEST_F(ProgramLoaderTest, StaticProgramsNameNoInterpreter) {
    place(ingot_test::read_file(ingot_test::static_program_path()));
    EXPECT_EQ(value_of(load()).interpreter, nullptr);
}

TEST_F(ProgramLoaderTest, RejectsMalformedInterpreterPathsWithEnoexec) {
    auto program = ingot_test::read_file(ingot_test::dynamic_program_path());
    auto header = read_struct<Elf64_Ehdr>(program, 0);
    size_t index = 0;
    Elf64_Phdr interp{};
    for (; index < header.e_phnum; ++index) {
        interp = read_struct<Elf64_Phdr>(program, header.e_phoff + index * sizeof(Elf64_Phdr));
        if (interp.p_type == PT_INTERP)
            break;
    }
    ASSERT_LT(index, header.e_phnum);
    size_t at = header.e_phoff + index * sizeof(Elf64_Phdr);
    auto with = [&](uint64_t offset, uint64_t size) {
        auto changed = program;
        Elf64_Phdr entry = interp;
        entry.p_offset = offset;
        entry.p_filesz = size;
        ingot_test::write_struct(std::span<uint8_t>(changed), at, entry);
        return changed;
    };
    EXPECT_EQ(load_error(with(interp.p_offset, interp.p_filesz - 1)),
              int(kernel::ENOEXEC)); // no NUL
    EXPECT_EQ(load_error(with(interp.p_offset, 1)), int(kernel::ENOEXEC));
    EXPECT_EQ(load_error(with(interp.p_offset, 4097)), int(kernel::ENOEXEC)); // past PATH_MAX
    EXPECT_EQ(load_error(with(program.size() - 4, 8)), int(kernel::ENOEXEC)); // past the file
    EXPECT_EQ(load_error(with(UINT64_MAX - 2, 8)), int(kernel::ENOEXEC));     // wraps
    EXPECT_EQ(space->region_count(), 0u);
}

TEST_F(ProgramLoaderTest, RejectsNonElfAndForeignElf) {
    EXPECT_EQ(load_error(std::vector<uint8_t>(4096, 'x')), int(kernel::EINVAL));
    auto program = ingot_test::read_file(ingot_test::static_program_path());
    auto changed = program;
    changed[EI_CLASS] = ELFCLASS32;
    EXPECT_EQ(load_error(changed), int(kernel::EINVAL));
    changed = program;
    changed[EI_DATA] = ELFDATA2MSB;
    EXPECT_EQ(load_error(changed), int(kernel::EINVAL));
    changed = program;
    changed[18] = EM_AARCH64; // e_machine
    EXPECT_EQ(load_error(changed), int(kernel::EINVAL));
    changed = program;
    changed[16] = ET_REL; // e_type
    EXPECT_EQ(load_error(changed), int(kernel::EINVAL));
}

TEST_F(ProgramLoaderTest, RejectsTruncatedFiles) {
    place(ingot_test::read_file(ingot_test::static_program_path()));
    EXPECT_EQ(error_of(load(10)), int(kernel::EINVAL));                     // not even a header
    EXPECT_EQ(error_of(load(sizeof(Elf64_Ehdr) + 8)), int(kernel::EINVAL)); // program headers cut
    EXPECT_EQ(error_of(load(bytes.size() / 2)), int(kernel::EINVAL));       // segments cut
}

TEST_F(ProgramLoaderTest, HandMadeSegmentsSharingPages) {
    // Code and data on one page: that page is copied, gets both protections and both segments'
    // bytes; the data segment's bss runs onto the next page.
    std::vector<uint8_t> code(0x800, 0x90), data(0x100, 0xdd);
    place(make_elf(ET_EXEC, 0x400100,
                   {phdr(0x400040),
                    {PT_LOAD, PF_R | PF_X, 0x400000, 0, code},
                    {PT_LOAD, PF_R | PF_W, 0x400800, 0x1000, data}}));
    LoadedProgram program = value_of(load());
    EXPECT_EQ(program.entry, 0x400100u);
    EXPECT_EQ(program.end, 0x402000u);
    EXPECT_EQ(program.shared_pages, 0u);
    EXPECT_EQ(program.copied_pages, 2u);
    const Region* first = space->find(0x400000);
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first->protection, protection::read | protection::write | protection::execute);
    EXPECT_EQ(space->find(0x401000)->protection, protection::read | protection::write);
    verify_mapping(program);
}

TEST_F(ProgramLoaderTest, HandMadeSharedPageInTheMiddle) {
    // A read-only segment of 1.5 pages then a writable one: the first page is mapped in place,
    // the shared middle page is copied with both protections, the last is writable only.
    std::vector<uint8_t> text(0x1800, 0xc3), data(0x1000, 0x11);
    place(make_elf(ET_EXEC, 0x400000,
                   {phdr(0x400040),
                    {PT_LOAD, PF_R | PF_X, 0x400000, 0, text},
                    {PT_LOAD, PF_R | PF_W, 0x401800, 0, data}}));
    LoadedProgram program = value_of(load());
    EXPECT_EQ(program.shared_pages, 1u);
    EXPECT_EQ(program.copied_pages, 2u);
    EXPECT_EQ(space->find(0x400000)->protection, protection::read | protection::execute);
    EXPECT_EQ(space->find(0x401000)->protection,
              protection::read | protection::write | protection::execute);
    EXPECT_EQ(space->find(0x402000)->protection, protection::read | protection::write);
    verify_mapping(program);
}

TEST_F(ProgramLoaderTest, ProgramHeadersFromPtPhdr) {
    std::vector<uint8_t> code(0x100, 0x90);
    place(make_elf(ET_EXEC, 0x400000,
                   {{PT_PHDR, PF_R, 0x3ff040, 2 * sizeof(Elf64_Phdr), {}},
                    {PT_LOAD, PF_R | PF_X, 0x400000, 0, code}}));
    EXPECT_EQ(value_of(load()).program_headers, 0x3ff040u);
}

TEST_F(ProgramLoaderTest, RejectsProgramHeadersOutsideTheSegments) {
    // No PT_PHDR and no segment covering the headers: AT_PHDR cannot be given.
    EXPECT_EQ(
        load_error(make_elf(ET_EXEC, 0x400000, {{PT_LOAD, PF_R | PF_X, 0x400000, 0, {0x90}}})),
        int(kernel::EINVAL));
}

TEST_F(ProgramLoaderTest, RejectsBadSegmentLayouts) {
    std::vector<uint8_t> code(16, 0x90);
    // Nothing to load.
    EXPECT_EQ(load_error(make_elf(ET_EXEC, 0x400000,
                                  {phdr(0x400040), {PT_NOTE, PF_R, 0x400000, 0, code}})),
              int(kernel::EINVAL));
    // Out of order.
    EXPECT_EQ(load_error(make_elf(ET_EXEC, 0x400000,
                                  {phdr(0x400040),
                                   {PT_LOAD, PF_R | PF_X, 0x500000, 0, code},
                                   {PT_LOAD, PF_R, 0x400000, 0, code}})),
              int(kernel::EINVAL));
    // Below 64 KiB.
    EXPECT_EQ(load_error(make_elf(ET_EXEC, 0x1000,
                                  {phdr(0x1040), {PT_LOAD, PF_R | PF_X, 0x1000, 0, code}})),
              int(kernel::EINVAL));
    // In the top terabyte of the user half (kept for stack and mmap).
    EXPECT_EQ(load_error(make_elf(
                  ET_EXEC, 0x7f0000000000,
                  {phdr(0x7f0000000040), {PT_LOAD, PF_R | PF_X, 0x7f0000000000, 0, code}})),
              int(kernel::EINVAL));
    // Address range wraps.
    EXPECT_EQ(load_error(make_elf(
                  ET_EXEC, 0x400000,
                  {phdr(0x400040), {PT_LOAD, PF_R | PF_X, 0xfffffffffffff000, 0x2000, code}})),
              int(kernel::EINVAL));
    // File size larger than memory size.
    auto program =
        make_elf(ET_EXEC, 0x400000, {phdr(0x400040), {PT_LOAD, PF_R | PF_X, 0x400000, 0, code}});
    auto header = read_struct<Elf64_Ehdr>(program, 0);
    auto segment = read_struct<Elf64_Phdr>(program, header.e_phoff + sizeof(Elf64_Phdr));
    segment.p_memsz = 8;
    ingot_test::write_struct(std::span<uint8_t>(program), header.e_phoff + sizeof(Elf64_Phdr),
                             segment);
    EXPECT_EQ(load_error(program), int(kernel::EINVAL));
}

TEST_F(ProgramLoaderTest, RejectsTooManySegments) {
    std::vector<ElfSegment> segments = {{PT_PHDR, PF_R, 0x400040, 34 * sizeof(Elf64_Phdr), {}}};
    for (int i = 0; i < 33; ++i)
        segments.push_back({PT_LOAD, PF_R | PF_X, 0x400000 + uint64_t(i) * 0x10000, 0,
                            std::vector<uint8_t>(16, 0x90)});
    EXPECT_EQ(load_error(make_elf(ET_EXEC, 0x400000, segments)), int(kernel::EINVAL));
    segments.pop_back(); // 32 is the limit
    EXPECT_EQ(load_error(make_elf(ET_EXEC, 0x400000, segments)), 0);
}

TEST_F(ProgramLoaderTest, RefusesToOverlapExistingMappings) {
    place(ingot_test::read_file(ingot_test::static_program_path()));
    ASSERT_OK(space->map_anonymous(0x401000, page, protection::read, kernel::Placement::Fixed,
                                   RegionKind::Anonymous));
    EXPECT_EQ(error_of(load()), int(kernel::EEXIST));
}

TEST_F(ProgramLoaderTest, OutOfMemoryIsEnomem) {
    place(ingot_test::read_file(ingot_test::static_program_path()));
    while (frames.free_frames() > 4)
        (void)value_of(frames.allocate(Zeroed::No));
    EXPECT_EQ(error_of(load()), int(kernel::ENOMEM));
}

} // namespace
