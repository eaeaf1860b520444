// The guest's symbolizer reads what the host wrote or linked: the kernel's table that
// `ingot build` puts in the payload, and the program files' own ELF symbol tables in place.
// The expected addresses come from libelf on the host.
#include "image/elf_file.h"
#include "image/image.h"

#include "kernel/kernel_test_support.h"

#include "debug/kernel_symbols.h"
#include "debug/program_symbols.h"

namespace {

using kernel::debug::KernelSymbols;
using kernel::debug::ProgramSymbols;

ingot::ElfSymbol symbol_named(std::span<const uint8_t> elf, const std::string& name) {
    for (auto& symbol : ingot::ElfFile(elf, "test").code_symbols())
        if (symbol.name == name)
            return symbol;
    ADD_FAILURE() << "no symbol " << name;
    return {};
}

std::string name_of(const kernel::debug::SymbolMatch& match) {
    return match ? match.name : "(none)";
}

TEST(SymbolsAgreement, KernelTableFromARealImage) {
    auto kernel_elf = ingot_test::read_file(ingot_test::kernel_elf_path());
    auto program = ingot_test::read_file(ingot_test::static_program_path());
    ingot::Manifest manifest;
    manifest.arguments = {"hello"};
    auto bytes = ingot::build_image(kernel_elf, program, manifest);
    ingot::Image image = ingot::read_image(bytes, "symbols.img");
    // The payload as the guest sees it: page aligned, as it is loaded.
    kernel_test::GuestRam ram((image.payload.total_size + 4095) & ~4095ull);
    std::memcpy(ram.base(), bytes.data() + image.segments.back().file_offset,
                image.payload.total_size);
    KernelSymbols table(ram.base(), image.payload);
    EXPECT_EQ(table.count(), image.payload.symbol_count);

    auto main = symbol_named(kernel_elf, "kernel_main");
    ASSERT_GT(main.size, 8u);
    auto match = table.lookup(main.address);
    EXPECT_EQ(name_of(match), "kernel_main");
    EXPECT_EQ(match.offset, 0u);
    match = table.lookup(main.address + main.size - 1);
    EXPECT_EQ(name_of(match), "kernel_main");
    EXPECT_EQ(match.offset, main.size - 1);
    EXPECT_NE(name_of(table.lookup(main.address + main.size)), "kernel_main");

    // A demangled C++ function and an unsized assembly label.
    auto klog = symbol_named(kernel_elf, "_ZN6kernel4klogEPKcz");
    EXPECT_EQ(name_of(table.lookup(klog.address + 4)), "kernel::klog(char const*, ...)");
    auto entry = symbol_named(kernel_elf, "syscall_entry");
    match = table.lookup(entry.address + 2);
    EXPECT_EQ(name_of(match), "syscall_entry");
    EXPECT_EQ(match.offset, 2u);

    EXPECT_FALSE(table.lookup(0x401000));
    EXPECT_FALSE(table.lookup(0));
}

TEST(SymbolsAgreement, StaticProgramSymbols) {
    auto program = ingot_test::read_file(ingot_test::static_program_path());
    ProgramSymbols symbols(program.data(), program.size(), 0);
    ASSERT_TRUE(symbols.has_symbols());
    auto main = symbol_named(program, "main");
    auto match = symbols.lookup(main.address);
    EXPECT_EQ(name_of(match), "main");
    EXPECT_EQ(match.offset, 0u);
    match = symbols.lookup(main.address + main.size - 1);
    EXPECT_EQ(name_of(match), "main");
    EXPECT_EQ(match.offset, main.size - 1);
    EXPECT_NE(name_of(symbols.lookup(main.address + main.size)), "main");
    EXPECT_FALSE(symbols.lookup(0x10));
}

TEST(SymbolsAgreement, StaticPieSymbolsAfterTheLoadBias) {
    auto program = ingot_test::read_file(ingot_test::static_pie_program_path());
    constexpr uint64_t bias = 0x555555554000;
    ProgramSymbols symbols(program.data(), program.size(), bias);
    auto main = symbol_named(program, "main");
    auto match = symbols.lookup(bias + main.address + 3);
    EXPECT_EQ(name_of(match), "main");
    EXPECT_EQ(match.offset, 3u);
    EXPECT_NE(name_of(symbols.lookup(main.address + 3)), "main") << "the bias must be applied";
}

TEST(SymbolsAgreement, StrippedProgramHasAddressesOnly) {
    auto program = ingot_test::read_file(ingot_test::stripped_program_path());
    ProgramSymbols symbols(program.data(), program.size(), 0);
    EXPECT_FALSE(symbols.has_symbols());
    auto header = ingot_test::read_struct<Elf64_Ehdr>(program, 0);
    EXPECT_FALSE(symbols.lookup(header.e_entry));
}

// Section headers or tables that do not fit the file leave the program without symbols;
// ASan reports any read that strays outside it.
TEST(SymbolsAgreement, MalformedSectionTablesAreIgnored) {
    auto good = ingot_test::read_file(ingot_test::static_program_path());
    auto header = ingot_test::read_struct<Elf64_Ehdr>(good, 0);
    auto symtab_index = [&](const std::vector<uint8_t>& bytes) {
        for (size_t i = 0; i < header.e_shnum; ++i)
            if (ingot_test::read_struct<Elf64_Shdr>(bytes, header.e_shoff + i * sizeof(Elf64_Shdr))
                    .sh_type == SHT_SYMTAB)
                return i;
        return size_t(0);
    };
    size_t index = symtab_index(good);
    ASSERT_NE(index, 0u);
    auto with_change = [&](auto change) {
        std::vector<uint8_t> bytes = good;
        size_t offset = header.e_shoff + index * sizeof(Elf64_Shdr);
        auto section = ingot_test::read_struct<Elf64_Shdr>(bytes, offset);
        auto elf_header = ingot_test::read_struct<Elf64_Ehdr>(bytes, 0);
        change(section, elf_header);
        ingot_test::write_struct(std::span<uint8_t>(bytes), offset, section);
        ingot_test::write_struct(std::span<uint8_t>(bytes), 0, elf_header);
        return bytes;
    };
    std::vector<std::vector<uint8_t>> broken = {
        with_change([](Elf64_Shdr&, Elf64_Ehdr& h) { h.e_shoff = UINT64_MAX - 8; }),
        with_change([](Elf64_Shdr&, Elf64_Ehdr& h) { h.e_shnum = 0xffff; }),
        with_change([](Elf64_Shdr&, Elf64_Ehdr& h) { h.e_shentsize = 1; }),
        with_change([](Elf64_Shdr& s, Elf64_Ehdr&) { s.sh_size = UINT64_MAX - 7; }),
        with_change([](Elf64_Shdr& s, Elf64_Ehdr&) { s.sh_offset = UINT64_MAX - 7; }),
        with_change([](Elf64_Shdr& s, Elf64_Ehdr&) { s.sh_offset += 4; }), // misaligned
        with_change([](Elf64_Shdr& s, Elf64_Ehdr&) { s.sh_link = 0xffff; }),
        with_change([](Elf64_Shdr& s, Elf64_Ehdr&) { s.sh_entsize = 16; }),
    };
    for (size_t i = 0; i < broken.size(); ++i) {
        ProgramSymbols symbols(broken[i].data(), broken[i].size(), 0);
        EXPECT_FALSE(symbols.has_symbols()) << "case " << i;
    }
    // Names that run past the string table's end are refused one by one.
    auto names_cut = with_change([](Elf64_Shdr&, Elf64_Ehdr&) {});
    auto symtab =
        ingot_test::read_struct<Elf64_Shdr>(names_cut, header.e_shoff + index * sizeof(Elf64_Shdr));
    size_t strtab_offset = header.e_shoff + symtab.sh_link * sizeof(Elf64_Shdr);
    auto strtab = ingot_test::read_struct<Elf64_Shdr>(names_cut, strtab_offset);
    names_cut[strtab.sh_offset + strtab.sh_size - 1] = 'x';
    EXPECT_FALSE(ProgramSymbols(names_cut.data(), names_cut.size(), 0).has_symbols());
}

} // namespace
