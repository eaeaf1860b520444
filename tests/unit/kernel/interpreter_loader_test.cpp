// A dynamically linked program's start: its interpreter mapped from a file system (an
// in-memory file here, lending its pages as the image's file system does), and the auxiliary
// vector the interpreter then reads.
#include "kernel/memory_file.h"

#include "loader/auxiliary_vector.h"
#include "loader/interpreter_loader.h"
#include "loader/program_loader.h"

namespace {

using kernel::AddressSpace;
using kernel::AuxiliaryEntry;
using kernel::FrameAllocator;
using kernel::LoadedInterpreter;
using kernel::LoadedProgram;
using kernel::PageTable;
using kernel::PhysicalAddress;
using kernel::RefPtr;
using kernel::Region;
using kernel::RegionKind;
using kernel::Zeroed;
namespace auxv = kernel::auxv;
namespace pte = kernel::pte;
namespace protection = kernel::protection;
using ingot_test::ElfSegment;
using ingot_test::make_elf;
using ingot_test::read_struct;
using ingot_test::write_struct;
using kernel_test::error_of;
using kernel_test::GuestRam;
using kernel_test::value_of;
using memory_file_test::MemoryFile;
using memory_file_test::MemoryFileSystem;
using memory_file_test::pattern;

constexpr uint64_t page = 4096;
constexpr uint64_t memory_size = 32 << 20;
constexpr uint64_t user_lowest = 0x10000, stack_top = 0x7ffffffff000;

// A loader-like shared object: headers and read-only data, text, then data whose last 0x100
// file bytes are not the segment's (they must read as zero) followed by bss over three pages.
std::vector<uint8_t> interpreter_image() {
    auto bytes = make_elf(ET_DYN, 0x2010,
                          {{PT_LOAD, PF_R, 0x0, 0, pattern(0x1800, 1)},
                           {PT_LOAD, PF_R | PF_X, 0x2000, 0, pattern(0x1000, 2)},
                           {PT_LOAD, PF_R | PF_W, 0x5100, 0x3000, pattern(0x200, 3)},
                           {PT_GNU_STACK, PF_R | PF_W, 0, 0, {}}});
    auto data = read_struct<Elf64_Phdr>(bytes, sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr));
    data.p_filesz = 0x100;
    write_struct(std::span<uint8_t>(bytes), sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr), data);
    return bytes;
}

class DirectoryInode : public kernel::vfs::Inode {
public:
    explicit DirectoryInode(kernel::vfs::FileSystem& file_system) : m_file_system(file_system) {}
    kernel::vfs::FileSystem& file_system() override { return m_file_system; }
    kernel::vfs::NodeType type() const override { return kernel::vfs::NodeType::Directory; }
    kernel::ErrorOr<void> attributes(kernel::vfs::Attributes&) override { return {}; }

private:
    kernel::vfs::FileSystem& m_file_system;
};

class InterpreterLoaderTest : public ::testing::Test {
protected:
    InterpreterLoaderTest() : ram(memory_size) {
        frames.initialize(ram.base(), memory_size, 8 << 20, true);
        root = value_of(frames.allocate(Zeroed::Yes));
        table = std::make_unique<PageTable>(frames, root);
        space = std::make_unique<AddressSpace>(frames, *table, user_lowest, stack_top);
    }
    RefPtr<MemoryFile> make_file(std::vector<uint8_t> contents, bool lends = true) {
        return kernel::make_ref<MemoryFile>(file_system, std::move(contents),
                                            lends ? &frames : nullptr);
    }
    kernel::ErrorOr<LoadedInterpreter> load(kernel::vfs::Inode& file) {
        return kernel::load_interpreter(file, "/lib/ld.so", *space, frames);
    }
    std::vector<uint8_t> bytes_at(uint64_t address, size_t length) {
        std::vector<uint8_t> bytes(length);
        for (size_t i = 0; i < length; ++i) {
            PhysicalAddress physical;
            bool mapped = table->translate((address + i) & ~(page - 1), physical);
            bytes[i] = mapped ? frames.to_virtual(physical)[(address + i) % page] : 0xcc;
        }
        return bytes;
    }
    uint64_t entry(uint64_t address) {
        uint64_t* leaf = table->leaf(address);
        return leaf ? *leaf : 0;
    }
    std::vector<uint8_t> slice(const std::vector<uint8_t>& bytes, size_t from, size_t length) {
        return std::vector<uint8_t>(bytes.begin() + from, bytes.begin() + from + length);
    }

    GuestRam ram;
    FrameAllocator frames;
    PhysicalAddress root = 0;
    std::unique_ptr<PageTable> table;
    MemoryFileSystem file_system;
    std::unique_ptr<AddressSpace> space;
};

TEST_F(InterpreterLoaderTest, MapsTheSegmentsAsFileMappingsAtTheTopOfTheMmapArea) {
    auto image = interpreter_image();
    auto file = make_file(image);
    LoadedInterpreter loaded = value_of(load(*file));
    uint64_t base = loaded.base;
    EXPECT_EQ(base, stack_top - 0x9000); // top-down: right below the top, as mmap(NULL) would
    EXPECT_EQ(loaded.entry, base + 0x2010);

    auto headers = [&](size_t i) {
        return read_struct<Elf64_Phdr>(image, sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr));
    };
    // Read-only data and text: the file's own pages, in place.
    for (uint64_t address : {base, base + page, base + 0x2000}) {
        EXPECT_TRUE(entry(address) & pte::borrowed) << std::hex << address;
        const Region* region = space->find(address);
        ASSERT_NE(region, nullptr);
        EXPECT_EQ(region->kind, RegionKind::File);
        EXPECT_EQ(region->inode(), file.get());
        EXPECT_FALSE(region->is_shared());
        EXPECT_EQ(std::string(region->file_name().data, region->file_name().length), "/lib/ld.so");
    }
    EXPECT_EQ(bytes_at(base, 0x1800), slice(image, headers(0).p_offset, 0x1800));
    EXPECT_EQ(bytes_at(base + 0x2000, 0x1000), slice(image, headers(1).p_offset, 0x1000));
    EXPECT_EQ(space->find(base)->protection, protection::read);
    EXPECT_EQ(space->find(base + 0x2000)->protection, protection::read | protection::execute);
    EXPECT_EQ(space->find(base + 0x2000)->file_offset(), headers(1).p_offset & ~(page - 1));
    // The gap between text and data is no mapping at all, as Linux leaves it.
    EXPECT_EQ(space->find(base + 0x3000), nullptr);
    EXPECT_EQ(space->find(base + 0x4000), nullptr);
    // Data: a private copy; the file bytes past p_filesz in its last page read as zero.
    const Region* data = space->find(base + 0x5000);
    ASSERT_NE(data, nullptr);
    EXPECT_EQ(data->kind, RegionKind::File);
    EXPECT_EQ(data->protection, protection::read | protection::write);
    EXPECT_FALSE(entry(base + 0x5000) & pte::borrowed);
    EXPECT_EQ(bytes_at(base + 0x5100, 0x100), slice(image, headers(2).p_offset, 0x100));
    EXPECT_EQ(bytes_at(base + 0x5200, 0xe00), std::vector<uint8_t>(0xe00, 0));
    // Bss: anonymous zero pages to the end of p_memsz.
    const Region* bss = space->find(base + 0x6000);
    ASSERT_NE(bss, nullptr);
    EXPECT_EQ(bss->inode(), nullptr);
    EXPECT_EQ(bss->end, base + 0x9000);
    EXPECT_EQ(bytes_at(base + 0x6000, 0x3000), std::vector<uint8_t>(0x3000, 0));
    EXPECT_TRUE(space->is_accessible(base + 0x6000, 0x3000, kernel::Access::Write));
    // The file is unchanged, and held by its mappings only while they exist.
    EXPECT_EQ(file->contents(), image);
    ASSERT_OK(space->unmap(base, 0x9000));
    EXPECT_EQ(file->reference_count(), 1u);
}

TEST_F(InterpreterLoaderTest, CopiesWhenTheFileSystemDoesNotLend) {
    auto image = interpreter_image();
    auto file = make_file(image, false);
    LoadedInterpreter loaded = value_of(load(*file));
    EXPECT_FALSE(entry(loaded.base) & pte::borrowed);
    EXPECT_EQ(bytes_at(loaded.base + 0x2000, 0x1000), slice(image, 0x3000, 0x1000));
}

TEST_F(InterpreterLoaderTest, GoesBelowWhatIsAlreadyAtTheTop) {
    ASSERT_OK(space->map_anonymous(stack_top - 0x10000, 0x10000,
                                   protection::read | protection::write,
                                   kernel::Placement::FixedNoReplace, RegionKind::Stack));
    auto file = make_file(interpreter_image());
    EXPECT_EQ(value_of(load(*file)).base, stack_top - 0x10000 - 0x9000);
}

TEST_F(InterpreterLoaderTest, RefusesWhatIsNotAnX86SharedObject) {
    auto image = interpreter_image();
    EXPECT_EQ(error_of(load(*make_file(std::vector<uint8_t>(4096, 'x')))), int(kernel::ENOEXEC));
    EXPECT_EQ(error_of(load(*make_file(std::vector<uint8_t>(image.begin(), image.begin() + 20)))),
              int(kernel::ENOEXEC));
    auto changed = image;
    changed[18] = EM_AARCH64;
    EXPECT_EQ(error_of(load(*make_file(changed))), int(kernel::ENOEXEC));
    changed = image;
    changed[EI_CLASS] = ELFCLASS32;
    EXPECT_EQ(error_of(load(*make_file(changed))), int(kernel::ENOEXEC));
    changed = image;
    changed[16] = ET_REL;
    EXPECT_EQ(error_of(load(*make_file(changed))), int(kernel::ENOEXEC));
    DirectoryInode directory(file_system);
    directory.ref(); // lives on the stack: never deleted through its count
    EXPECT_EQ(error_of(load(directory)), int(kernel::EACCES));
    EXPECT_EQ(space->region_count(), 0u);
}

TEST_F(InterpreterLoaderTest, RefusesMalformedSegmentTablesLeavingNothingMapped) {
    auto image = interpreter_image();
    auto with_segment = [&](size_t index, auto change) {
        auto changed = image;
        size_t at = sizeof(Elf64_Ehdr) + index * sizeof(Elf64_Phdr);
        auto segment = read_struct<Elf64_Phdr>(changed, at);
        change(segment);
        write_struct(std::span<uint8_t>(changed), at, segment);
        return changed;
    };
    std::vector<std::vector<uint8_t>> bad = {
        with_segment(1, [](Elf64_Phdr& s) { s.p_vaddr = 0; }),                  // out of order
        with_segment(1, [](Elf64_Phdr& s) { s.p_offset += 8; }),                // not congruent
        with_segment(2, [](Elf64_Phdr& s) { s.p_filesz = s.p_memsz + 1; }),     // file > memory
        with_segment(2, [](Elf64_Phdr& s) { s.p_vaddr = UINT64_MAX - 0xeff; }), // wraps
    };
    for (size_t i = 0; i < bad.size(); ++i) {
        auto file = make_file(bad[i]);
        EXPECT_EQ(error_of(load(*file)), int(kernel::EINVAL)) << i;
        EXPECT_EQ(space->region_count(), 0u) << i;
        EXPECT_EQ(file->reference_count(), 1u) << i;
    }
    auto no_headers = image;
    no_headers[56] = 0; // e_phnum
    no_headers[57] = 0;
    EXPECT_EQ(error_of(load(*make_file(no_headers))), int(kernel::EINVAL));
    auto headers_past_the_end = image;
    headers_past_the_end[32] = 0xf0; // e_phoff
    headers_past_the_end[33] = 0xff;
    EXPECT_EQ(error_of(load(*make_file(headers_past_the_end))), int(kernel::EIO));
}

TEST_F(InterpreterLoaderTest, OutOfMemoryUndoesEverything) {
    auto file = make_file(interpreter_image(), false);
    while (frames.free_frames() > 3)
        (void)frames.allocate(Zeroed::No);
    EXPECT_EQ(error_of(load(*file)), int(kernel::ENOMEM));
    EXPECT_EQ(space->region_count(), 0u);
    EXPECT_EQ(file->reference_count(), 1u);
}

TEST_F(InterpreterLoaderTest, LoadsTheSystemsGlibcLoader) {
    const char* path = "/lib64/ld-linux-x86-64.so.2";
    if (std::FILE* probe = std::fopen(path, "rb"))
        std::fclose(probe);
    else
        GTEST_SKIP() << path << " is not installed";
    std::vector<uint8_t> image = ingot_test::read_file(path);
    auto file = make_file(image);
    LoadedInterpreter loaded = value_of(load(*file));
    auto header = read_struct<Elf64_Ehdr>(image, 0);
    EXPECT_EQ(loaded.entry, loaded.base + header.e_entry);
    const Region* text = space->find(loaded.entry);
    ASSERT_NE(text, nullptr);
    EXPECT_EQ(text->inode(), file.get());
    EXPECT_TRUE(text->protection & protection::execute);
    EXPECT_TRUE(entry(loaded.entry & ~(page - 1)) & pte::borrowed);
    EXPECT_EQ(
        bytes_at(loaded.entry, 16),
        std::vector<uint8_t>(image.begin() + header.e_entry, image.begin() + header.e_entry + 16));
}

// A PIE with PT_INTERP in the payload, its interpreter from the file system: the auxiliary
// vector tells the interpreter where both are.
TEST_F(InterpreterLoaderTest, AuxiliaryVectorOfADynamicProgram) {
    auto program_bytes = make_elf(ET_DYN, 0x1040,
                                  {{PT_PHDR, PF_R, 0x40, 4 * sizeof(Elf64_Phdr), {}},
                                   {PT_INTERP, PF_R, 0x200, 0, {'/', 'l', 'd', '.', 's', 'o', 0}},
                                   {PT_LOAD, PF_R, 0x0, 0, pattern(0x400)},
                                   {PT_LOAD, PF_R | PF_X, 0x1000, 0, pattern(0x100)}});
    uint64_t image_physical = 4 << 20;
    std::memcpy(ram.base() + image_physical, program_bytes.data(), program_bytes.size());
    LoadedProgram program = value_of(kernel::load_program(
        ram.base() + image_physical, program_bytes.size(), image_physical, *space, frames));
    ASSERT_NE(program.interpreter, nullptr);
    EXPECT_STREQ(program.interpreter, "/ld.so");
    auto file = make_file(interpreter_image());
    LoadedInterpreter interpreter = value_of(load(*file));

    AuxiliaryEntry entries[kernel::auxiliary_capacity];
    kernel::ProcessorFeatures features{0x178bfbff, 2, 3456};
    size_t count =
        kernel::make_auxiliary_vector(program, &interpreter, 0x7ffff7fc5000, features, entries);
    std::vector<std::pair<uint64_t, uint64_t>> values;
    for (size_t i = 0; i < count; ++i) {
        for (const auto& [type, value] : values)
            EXPECT_NE(type, entries[i].type) << "twice";
        values.emplace_back(entries[i].type, entries[i].value);
    }
    auto value = [&](uint64_t type) {
        for (const auto& entry : values)
            if (entry.first == type)
                return entry.second;
        ADD_FAILURE() << "no entry " << type;
        return uint64_t(0);
    };
    auto has = [&](uint64_t type) {
        return std::any_of(values.begin(), values.end(),
                           [&](const auto& entry) { return entry.first == type; });
    };
    EXPECT_EQ(value(auxv::base), interpreter.base);
    EXPECT_EQ(value(auxv::entry),
              kernel::static_pie_base + 0x1040); // the program's, not the interpreter's
    EXPECT_EQ(value(auxv::phdr), kernel::static_pie_base + 0x40);
    EXPECT_EQ(value(auxv::phent), sizeof(Elf64_Phdr));
    EXPECT_EQ(value(auxv::phnum), 4u);
    EXPECT_EQ(value(auxv::pagesz), page);
    EXPECT_EQ(value(auxv::hwcap), 0x178bfbffu);
    EXPECT_EQ(value(auxv::hwcap2), 2u);
    EXPECT_EQ(value(auxv::minsigstksz), 3456u);
    EXPECT_EQ(value(auxv::secure), 0u);
    EXPECT_EQ(value(auxv::sysinfo_ehdr), 0x7ffff7fc5000u);
    EXPECT_FALSE(has(auxv::null)); // build_initial_stack ends the vector
    // A static program: AT_BASE 0, AT_ENTRY its own entry.
    count = kernel::make_auxiliary_vector(program, nullptr, 0x7ffff7fc5000, features, entries);
    for (size_t i = 0; i < count; ++i) {
        if (entries[i].type == auxv::base) {
            EXPECT_EQ(entries[i].value, 0u);
        }
    }
}

} // namespace
