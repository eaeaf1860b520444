#include "image/program_check.h"
#include "support/error.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace ingot {
namespace {

using ingot_test::ElfSegment;
using ingot_test::make_elf;
using ingot_test::read_struct;
using ingot_test::write_struct;

// Rejected, with a message containing `expected`.
void expect_rejected(std::span<const uint8_t> bytes, const std::string& expected) {
    try {
        check_program(bytes, "prog");
        ADD_FAILURE() << "check_program accepted it (expected: " << expected << ")";
    } catch (const UserError& error) {
        EXPECT_NE(std::string(error.what()).find(expected), std::string::npos)
            << "message: " << error.what();
        EXPECT_NE(std::string(error.what()).find("'prog'"), std::string::npos)
            << "message: " << error.what();
    }
}

std::vector<uint8_t> with_header(std::vector<uint8_t> bytes, void (*change)(Elf64_Ehdr&)) {
    auto header = read_struct<Elf64_Ehdr>(bytes, 0);
    change(header);
    write_struct(std::span<uint8_t>(bytes), 0, header);
    return bytes;
}

std::vector<uint8_t> code(size_t size) {
    return std::vector<uint8_t>(size, 0xc3);
}

TEST(ProgramCheck, AcceptsStaticExecutable) {
    auto bytes = ingot_test::read_file(ingot_test::static_program_path());
    ProgramInfo info = check_program(bytes, "prog");
    auto header = read_struct<Elf64_Ehdr>(bytes, 0);
    EXPECT_FALSE(info.position_independent);
    EXPECT_EQ(info.entry, header.e_entry);
    EXPECT_TRUE(info.has_symbols);
    uint64_t lowest = UINT64_MAX, highest = 0;
    for (size_t i = 0; i < header.e_phnum; ++i) {
        auto segment = read_struct<Elf64_Phdr>(bytes, header.e_phoff + i * sizeof(Elf64_Phdr));
        if (segment.p_type == PT_LOAD && segment.p_memsz) {
            lowest = std::min<uint64_t>(lowest, segment.p_vaddr);
            highest = std::max<uint64_t>(highest, segment.p_vaddr + segment.p_memsz);
        }
    }
    EXPECT_EQ(info.memory_span, highest - lowest);
}

TEST(ProgramCheck, ReportsMissingSymbols) {
    auto bytes = ingot_test::read_file(ingot_test::stripped_program_path());
    EXPECT_FALSE(check_program(bytes, "prog").has_symbols);
}

TEST(ProgramCheck, AcceptsStaticPie) {
    auto bytes = ingot_test::read_file(ingot_test::static_pie_program_path());
    ProgramInfo info = check_program(bytes, "prog");
    EXPECT_TRUE(info.position_independent);
    EXPECT_EQ(info.entry, read_struct<Elf64_Ehdr>(bytes, 0).e_entry);
}

TEST(ProgramCheck, AcceptsDynamicProgram) {
    auto bytes = ingot_test::read_file(ingot_test::dynamic_program_path());
    ProgramInfo info = check_program(bytes, "prog");
    EXPECT_EQ(info.interpreter, "/lib64/ld-linux-x86-64.so.2");
    EXPECT_TRUE(info.position_independent);
    EXPECT_EQ(program_kind(info), "dynamic PIE, /lib64/ld-linux-x86-64.so.2");
    EXPECT_EQ(program_kind(
                  check_program(ingot_test::read_file(ingot_test::static_program_path()), "prog")),
              "static");
}

TEST(ProgramCheck, RejectsThirtyTwoBitDynamicProgram) {
    auto bytes = ingot_test::read_file(ingot_test::dynamic_program_path());
    bytes[EI_CLASS] = ELFCLASS32;
    expect_rejected(bytes, "32-bit");
}

TEST(ProgramCheck, RejectsSharedLibrary) {
    auto bytes = ingot_test::read_file(ingot_test::shared_library_path());
    EXPECT_THROW(check_program(bytes, "prog"), UserError);
}

// BUG (src/image/program_check.cpp): a shared library is reported as "a malformed ELF: its
// entry point is not in executable code" instead of "a shared library, not a program". Shared
// libraries normally have e_entry 0, and the entry-point check runs before the ET_DYN check, so
// the shared-library message is unreachable for them. Enable once the ET_DYN check comes first.
TEST(ProgramCheck, SharedLibraryIsNamedAsSuch) {
    expect_rejected(ingot_test::read_file(ingot_test::shared_library_path()), "shared library");
}

TEST(ProgramCheck, RejectsNonElf) {
    expect_rejected({}, "not an ELF");
    std::vector<uint8_t> script = {'#', '!', '/', 'b', 'i', 'n', '/', 's', 'h', '\n'};
    expect_rejected(script, "not an ELF");
    std::vector<uint8_t> magic = {0x7f, 'E', 'L'};
    expect_rejected(magic, "not an ELF");
    EXPECT_FALSE(is_elf(magic));
    EXPECT_TRUE(is_elf(std::vector<uint8_t>{0x7f, 'E', 'L', 'F'}));
}

TEST(ProgramCheck, RejectsThirtyTwoBitProgram) {
    auto bytes = ingot_test::read_file(ingot_test::static_program_path());
    bytes[EI_CLASS] = ELFCLASS32;
    expect_rejected(bytes, "32-bit");
}

TEST(ProgramCheck, RejectsOtherArchitecture) {
    auto bytes = with_header(ingot_test::read_file(ingot_test::static_program_path()),
                             [](Elf64_Ehdr& h) { h.e_machine = EM_AARCH64; });
    expect_rejected(bytes, "another architecture");
}

TEST(ProgramCheck, RejectsObjectFile) {
    auto bytes = with_header(ingot_test::read_file(ingot_test::static_program_path()),
                             [](Elf64_Ehdr& h) { h.e_type = ET_REL; });
    expect_rejected(bytes, "not an executable program");
}

TEST(ProgramCheck, RejectsEntryOutsideCode) {
    auto bytes = with_header(ingot_test::read_file(ingot_test::static_program_path()),
                             [](Elf64_Ehdr& h) { h.e_entry = 0x10; });
    expect_rejected(bytes, "entry point");
}

TEST(ProgramCheck, RejectsTruncatedFile) {
    auto bytes = ingot_test::read_file(ingot_test::static_program_path());
    bytes.resize(bytes.size() / 2);
    expect_rejected(bytes, "malformed");
    bytes.resize(sizeof(Elf64_Ehdr) + 8); // program headers cut off
    expect_rejected(bytes, "malformed");
    bytes.resize(20);
    expect_rejected(bytes, "malformed");
}

TEST(ProgramCheck, AcceptsMinimalHandMadeExecutable) {
    auto bytes = make_elf(ET_EXEC, 0x401000,
                          {{PT_LOAD, PF_R | PF_X, 0x401000, 0, code(100)},
                           {PT_LOAD, PF_R | PF_W, 0x402000, 0x3000, {1, 2, 3}}});
    ProgramInfo info = check_program(bytes, "prog");
    EXPECT_FALSE(info.position_independent);
    EXPECT_FALSE(info.has_symbols);
    EXPECT_EQ(info.entry, 0x401000u);
    EXPECT_EQ(info.memory_span, 0x405000u - 0x401000u);
}

TEST(ProgramCheck, RejectsLoadingBelow64KiB) {
    auto bytes = make_elf(ET_EXEC, 0x1000, {{PT_LOAD, PF_R | PF_X, 0x1000, 0, code(16)}});
    expect_rejected(bytes, "below 64 KiB");
}

TEST(ProgramCheck, RejectsNothingToLoad) {
    auto bytes = make_elf(ET_EXEC, 0x401000, {{PT_NOTE, PF_R, 0x401000, 0, code(16)}});
    expect_rejected(bytes, "nothing to load");
}

TEST(ProgramCheck, RejectsHugeSpan) {
    auto bytes = make_elf(ET_EXEC, 0x401000,
                          {{PT_LOAD, PF_R | PF_X, 0x401000, 0, code(16)},
                           {PT_LOAD, PF_R | PF_W, 0x401000 + (2ull << 40), 0, code(16)}});
    expect_rejected(bytes, "1 TiB");
}

TEST(ProgramCheck, RejectsImpossibleSegments) {
    auto bytes = make_elf(ET_EXEC, 0x401000, {{PT_LOAD, PF_R | PF_X, 0x401000, 0, code(64)}});
    auto header = read_struct<Elf64_Ehdr>(bytes, 0);
    auto segment = read_struct<Elf64_Phdr>(bytes, header.e_phoff);

    auto broken = bytes;
    auto changed = segment;
    changed.p_memsz = changed.p_filesz - 1;
    write_struct(std::span<uint8_t>(broken), header.e_phoff, changed);
    expect_rejected(broken, "malformed");

    broken = bytes;
    changed = segment;
    changed.p_vaddr = UINT64_MAX - 8; // wraps around
    write_struct(std::span<uint8_t>(broken), header.e_phoff, changed);
    expect_rejected(broken, "malformed");

    broken = bytes;
    changed = segment;
    changed.p_offset = bytes.size() - 10;
    write_struct(std::span<uint8_t>(broken), header.e_phoff, changed);
    expect_rejected(broken, "malformed");
}

TEST(ProgramCheck, RejectsDynWithoutPieFlag) {
    // ET_DYN with a dynamic segment but no DF_1_PIE: a shared library.
    auto bytes = make_elf(ET_DYN, 0x1000,
                          {{PT_LOAD, PF_R | PF_X, 0x1000, 0, code(64)},
                           {PT_DYNAMIC, PF_R | PF_W, 0x3000, 0, std::vector<uint8_t>(16, 0)}});
    expect_rejected(bytes, "shared library");
    // And without any dynamic segment at all.
    bytes = make_elf(ET_DYN, 0x1000, {{PT_LOAD, PF_R | PF_X, 0x1000, 0, code(64)}});
    expect_rejected(bytes, "shared library");
}

TEST(ProgramCheck, AcceptsInterpreterInHandMadeProgram) {
    auto bytes = make_elf(ET_EXEC, 0x401000,
                          {{PT_INTERP, PF_R, 0x400800, 0, {'/', 'l', 'd', 0}},
                           {PT_LOAD, PF_R | PF_X, 0x401000, 0, code(64)}});
    ProgramInfo info = check_program(bytes, "prog");
    EXPECT_EQ(info.interpreter, "/ld");
    EXPECT_FALSE(info.position_independent);
    EXPECT_EQ(program_kind(info), "dynamic, /ld");
}

// A PIE linked before binutils 2.26 has no DF_1_PIE: its PT_INTERP says it is a program.
TEST(ProgramCheck, AcceptsPieWithoutPieFlagWhenItHasAnInterpreter) {
    auto bytes = make_elf(ET_DYN, 0x1000,
                          {{PT_INTERP, PF_R, 0x800, 0, {'/', 'l', 'd', 0}},
                           {PT_LOAD, PF_R | PF_X, 0x1000, 0, code(64)},
                           {PT_DYNAMIC, PF_R | PF_W, 0x3000, 0, std::vector<uint8_t>(16, 0)}});
    EXPECT_TRUE(check_program(bytes, "prog").position_independent);
}

TEST(ProgramCheck, RejectsAnInterpreterPathWithoutItsEnd) {
    auto bytes = make_elf(ET_EXEC, 0x401000,
                          {{PT_INTERP, PF_R, 0x400800, 0, {'/', 'l', 'd'}},
                           {PT_LOAD, PF_R | PF_X, 0x401000, 0, code(64)}});
    expect_rejected(bytes, "interpreter path");
}

} // namespace
} // namespace ingot
