// The guest's CFI reader on real programs the host toolchain linked: .eh_frame_hdr's binary
// search and the linear scan of .eh_frame must find the same FDEs, and those FDEs must cover
// the functions libelf names.
#include "image/elf_file.h"

#include "kernel/kernel_test_support.h"

#include "debug/cfa_program.h"
#include "debug/program_cfi.h"

#include <elf.h>

namespace {

using namespace kernel::debug;

// The section called `name` as the guest sees it, found with the host's <elf.h>.
CfiBytes section_named(const std::vector<uint8_t>& file, const std::string& name,
                       uint64_t bias = 0) {
    auto header = ingot_test::read_struct<Elf64_Ehdr>(file, 0);
    auto names = ingot_test::read_struct<Elf64_Shdr>(file, header.e_shoff + header.e_shstrndx *
                                                                                sizeof(Elf64_Shdr));
    for (size_t i = 0; i < header.e_shnum; ++i) {
        auto section =
            ingot_test::read_struct<Elf64_Shdr>(file, header.e_shoff + i * sizeof(Elf64_Shdr));
        if (name == reinterpret_cast<const char*>(file.data() + names.sh_offset + section.sh_name))
            return {file.data() + section.sh_offset, section.sh_size, section.sh_addr + bias};
    }
    return {};
}

std::vector<ingot::ElfSymbol> functions_of(const std::vector<uint8_t>& file) {
    std::vector<ingot::ElfSymbol> functions;
    for (auto& symbol : ingot::ElfFile(file, "test").code_symbols())
        if (symbol.is_function && symbol.size > 0)
            functions.push_back(symbol);
    return functions;
}

// A static-pie carries .eh_frame_hdr (a plain static program does not: the guest scans).
TEST(ProgramCfi, HeaderTableAndScanAgree) {
    auto program = ingot_test::read_file(ingot_test::static_pie_program_path());
    constexpr uint64_t bias = 0x555555554000;
    CfiBytes eh_frame = section_named(program, ".eh_frame", bias);
    ASSERT_GT(eh_frame.size, 0u);
    ASSERT_GT(section_named(program, ".eh_frame_hdr").size, 0u);
    EhFrame table = find_program_cfi(program.data(), program.size(), bias);
    EhFrame scan(eh_frame, {});
    auto functions = functions_of(program);
    ASSERT_GT(functions.size(), 100u);
    size_t covered = 0;
    // Every seventh function: the scan is linear, and ASan makes it slow.
    for (size_t i = 0; i < functions.size(); i += 7) {
        uint64_t pc = bias + functions[i].address + functions[i].size / 2;
        auto by_table = table.find(pc);
        auto by_scan = scan.find(pc);
        ASSERT_EQ(kernel_test::outcome(by_table), kernel_test::outcome(by_scan))
            << functions[i].name;
        if (by_table.is_error())
            continue;
        EXPECT_EQ(by_table.value().pc_begin, by_scan.value().pc_begin) << functions[i].name;
        EXPECT_LE(by_table.value().pc_begin, pc);
        EXPECT_GT(by_table.value().pc_end, pc);
        ASSERT_OK(unwind_row_at(by_table.value(), pc)) << functions[i].name;
        ++covered;
    }
    EXPECT_GT(covered, functions.size() / 7 / 2) << "most of glibc has CFI";
}

// A library as the guest finds it in memory: only PT_GNU_EH_FRAME and the loaded bytes
// around it, no section headers. Here the file stands in for its first segments (a static-pie
// loads them at file offset == address).
TEST(ProgramCfi, LoadedObjectsTablesFromTheirHeader) {
    auto program = ingot_test::read_file(ingot_test::static_pie_program_path());
    constexpr uint64_t base = 0x7f0000000000;
    auto header = ingot_test::read_struct<Elf64_Ehdr>(program, 0);
    Elf64_Phdr eh_frame_header{};
    for (size_t i = 0; i < header.e_phnum; ++i) {
        auto segment =
            ingot_test::read_struct<Elf64_Phdr>(program, header.e_phoff + i * sizeof(Elf64_Phdr));
        if (segment.p_type == PT_GNU_EH_FRAME)
            eh_frame_header = segment;
    }
    ASSERT_EQ(eh_frame_header.p_type, PT_GNU_EH_FRAME);
    ASSERT_EQ(eh_frame_header.p_offset, eh_frame_header.p_vaddr);
    CfiBytes readable{program.data(), program.size(), base};
    CfiBytes header_bytes{program.data() + eh_frame_header.p_offset, eh_frame_header.p_filesz,
                          base + eh_frame_header.p_vaddr};
    auto cfi = find_loaded_cfi(header_bytes, readable);
    ASSERT_OK(cfi);
    EXPECT_TRUE(cfi.value().indexed());
    size_t found = 0;
    for (auto& function : functions_of(program)) {
        auto fde = cfi.value().find(base + function.address + function.size / 2);
        if (fde.is_error())
            continue;
        EXPECT_LE(fde.value().pc_begin, base + function.address) << function.name;
        ++found;
    }
    EXPECT_GT(found, 100u);

    // A header that points outside the bytes given, or does not parse, finds nothing.
    CfiBytes too_short{program.data(), eh_frame_header.p_offset + eh_frame_header.p_filesz, base};
    EXPECT_ERRNO(find_loaded_cfi(header_bytes, too_short), ENOENT);
    std::vector<uint8_t> bad_version(header_bytes.bytes, header_bytes.bytes + header_bytes.size);
    bad_version[0] = 2;
    EXPECT_ERRNO(
        find_loaded_cfi({bad_version.data(), bad_version.size(), header_bytes.address}, readable),
        ENOENT);
    EXPECT_ERRNO(find_loaded_cfi({header_bytes.bytes, 3, header_bytes.address}, readable), EINVAL);
}

TEST(ProgramCfi, MainsEntryRules) {
    auto program = ingot_test::read_file(ingot_test::static_program_path());
    EhFrame cfi = find_program_cfi(program.data(), program.size(), 0);
    for (auto& function : functions_of(program)) {
        if (function.name != "main")
            continue;
        auto fde = cfi.find(function.address);
        ASSERT_OK(fde);
        auto row = unwind_row_at(fde.value(), function.address);
        ASSERT_OK(row);
        EXPECT_EQ(row.value().cfa.reg, cfi_rsp);
        EXPECT_EQ(row.value().cfa.offset, 8);
        EXPECT_EQ(row.value().registers[cfi_return_address].kind, RegisterRule::Kind::offset);
        EXPECT_EQ(row.value().registers[cfi_return_address].offset, -8);
        return;
    }
    FAIL() << "no main";
}

TEST(ProgramCfi, StaticPieAfterTheLoadBias) {
    auto program = ingot_test::read_file(ingot_test::static_pie_program_path());
    constexpr uint64_t bias = 0x555555554000;
    EhFrame cfi = find_program_cfi(program.data(), program.size(), bias);
    for (auto& function : functions_of(program)) {
        if (function.name != "main")
            continue;
        ASSERT_OK(cfi.find(bias + function.address + 1));
        EXPECT_EQ(cfi.find(bias + function.address + 1).value().pc_begin, bias + function.address);
        EXPECT_ERRNO(cfi.find(function.address + 1), ENOENT) << "the bias must be applied";
        return;
    }
    FAIL() << "no main";
}

// Cut anywhere, the file gives CFI that errs or finds nothing, and ASan sees no stray read.
TEST(ProgramCfi, TruncatedFilesAreHarmless) {
    auto program = ingot_test::read_file(ingot_test::static_program_path());
    CfiBytes eh_frame = section_named(program, ".eh_frame");
    size_t eh_frame_offset = eh_frame.bytes - program.data();
    for (size_t cut : {size_t{0}, size_t{64}, eh_frame_offset + 100,
                       eh_frame_offset + eh_frame.size / 2, program.size() - 1}) {
        std::vector<uint8_t> copy(program.begin(), program.begin() + cut);
        EhFrame cfi = find_program_cfi(copy.data(), copy.size(), 0);
        for (uint64_t pc = eh_frame.address - 0x10000; pc < eh_frame.address; pc += 0x1000)
            (void)cfi.find(pc);
    }
    EXPECT_FALSE(find_program_cfi(program.data(), 10, 0).present());
}

} // namespace
