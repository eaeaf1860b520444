#include "kernel/debug_test_support.h"

namespace {

using kernel_test::SymbolPayload;

constexpr uint64_t base = 0xffffffff80100000;

std::string name_of(const kernel::debug::SymbolMatch& match) {
    return match ? match.name : "(none)";
}

SymbolPayload three_functions() {
    return SymbolPayload({{base + 0x00, 0x10, "kernel_entry"},
                          {base + 0x20, 0x30, "kernel::panic(char const*, ...)"},
                          {base + 0x50, 0, "syscall_entry"}, // an unsized label
                          {base + 0x80, 0x08, "last"}});
}

TEST(KernelSymbols, StartMiddleAndEnd) {
    auto payload = three_functions();
    auto symbols = payload.symbols();
    ASSERT_EQ(symbols.count(), 4u);
    auto match = symbols.lookup(base + 0x20);
    EXPECT_EQ(name_of(match), "kernel::panic(char const*, ...)");
    EXPECT_EQ(match.offset, 0u);
    match = symbols.lookup(base + 0x4f);
    EXPECT_EQ(name_of(match), "kernel::panic(char const*, ...)");
    EXPECT_EQ(match.offset, 0x2fu);
    EXPECT_EQ(name_of(symbols.lookup(base)), "kernel_entry");
    EXPECT_EQ(name_of(symbols.lookup(base + 0x87)), "last");
}

TEST(KernelSymbols, NothingOutsideTheFunctions) {
    auto payload = three_functions();
    auto symbols = payload.symbols();
    EXPECT_FALSE(symbols.lookup(base - 1));    // before the first
    EXPECT_FALSE(symbols.lookup(base + 0x10)); // past kernel_entry's end...
    EXPECT_FALSE(symbols.lookup(base + 0x1f)); // ...up to the next function
    EXPECT_FALSE(symbols.lookup(base + 0x88)); // past the last
    EXPECT_FALSE(symbols.lookup(0));
    EXPECT_FALSE(symbols.lookup(UINT64_MAX));
}

TEST(KernelSymbols, UnsizedLabelsReachTheNextSymbol) {
    auto payload = three_functions();
    auto symbols = payload.symbols();
    auto match = symbols.lookup(base + 0x7f);
    EXPECT_EQ(name_of(match), "syscall_entry");
    EXPECT_EQ(match.offset, 0x2fu);
    auto last_unsized = SymbolPayload({{base, 0, "only"}});
    EXPECT_FALSE(last_unsized.symbols().lookup(base + 1)) << "nothing bounds the last label";
}

// An image nobody checked (booted by a PVH loader) may carry anything: the table is then
// empty, or an entry with a bad name is skipped, and nothing is read out of bounds (ASan).
TEST(KernelSymbols, MalformedTablesAreRefused) {
    using Change = std::function<void(SymbolPayload&)>;
    std::vector<Change> whole_table = {
        [](SymbolPayload& p) { p.header().symbols_offset += 4; },
        [](SymbolPayload& p) { p.header().symbols_offset = UINT64_MAX - 7; },
        [](SymbolPayload& p) { p.header().symbols_size = UINT64_MAX; },
        [](SymbolPayload& p) { p.header().symbol_count = UINT64_MAX / 8; },
        [](SymbolPayload& p) { p.header().symbol_count = 0; },
        [](SymbolPayload& p) { p.table()[p.header().symbols_size - 1] = 'x'; },
    };
    for (size_t i = 0; i < whole_table.size(); ++i) {
        auto payload = three_functions();
        whole_table[i](payload);
        auto symbols = payload.symbols();
        EXPECT_EQ(symbols.count(), 0u) << "case " << i;
        EXPECT_FALSE(symbols.lookup(base + 0x20)) << "case " << i;
    }
    auto payload = three_functions();
    auto* entries = reinterpret_cast<ingot::abi::KernelSymbol*>(payload.table());
    entries[1].name = UINT32_MAX;
    auto symbols = payload.symbols();
    EXPECT_FALSE(symbols.lookup(base + 0x20));
    EXPECT_EQ(name_of(symbols.lookup(base)), "kernel_entry");
}

} // namespace
