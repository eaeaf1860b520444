#include "kernel/kernel_test_support.h"

#include "loader/initial_stack.h"

namespace {

using kernel::AuxiliaryEntry;
using kernel::InitialStackInputs;
namespace auxv = kernel::auxv;
using kernel_test::error_of;

constexpr uint64_t top_address = 0x7ffffffff000;

// A stack buffer with guard bytes above and below, and readers in the program's addresses.
class InitialStackTest : public ::testing::Test {
protected:
    static constexpr size_t capacity = 16 * 1024, guard = 64;

    InitialStackTest() : buffer(guard + capacity + guard, 0xcc) {
        inputs.argc = argv.size();
        inputs.argv = argv.data();
        inputs.envc = envp.size();
        inputs.envp = envp.data();
        inputs.auxiliary = auxiliary;
        inputs.auxiliary_count = 2;
        for (int i = 0; i < 16; ++i)
            inputs.random_bytes[i] = uint8_t(0xa0 + i);
    }

    uint8_t* top() { return buffer.data() + guard + capacity; }
    uint8_t* at(uint64_t address) { return top() - (top_address - address); }
    uint64_t word(uint64_t address) {
        EXPECT_GE(address, top_address - capacity);
        EXPECT_LE(address + 8, top_address);
        uint64_t value;
        std::memcpy(&value, at(address), 8);
        return value;
    }
    std::string string_at(uint64_t address) {
        EXPECT_GE(address, top_address - capacity);
        EXPECT_LT(address, top_address);
        return reinterpret_cast<const char*>(at(address));
    }
    uint64_t build(size_t limit = capacity) {
        auto result = kernel::build_initial_stack(inputs, top(), top_address, limit);
        if (result.is_error()) {
            ADD_FAILURE() << "build_initial_stack: " << kernel::errno_name(error_of(result));
            return 0;
        }
        return result.value();
    }
    void expect_guards_intact() {
        for (size_t i = 0; i < guard; ++i) {
            ASSERT_EQ(buffer[i], 0xcc) << "written below the stack";
            ASSERT_EQ(buffer[guard + capacity + i], 0xcc) << "written above the stack";
        }
    }

    std::vector<uint8_t> buffer;
    std::vector<const char*> argv = {"/bin/prog", "--option", ""};
    std::vector<const char*> envp = {"HOME=/root", "TERM=dumb"};
    AuxiliaryEntry auxiliary[2] = {{auxv::pagesz, 4096}, {auxv::entry, 0x401000}};
    InitialStackInputs inputs{};
};

TEST_F(InitialStackTest, LinuxLayout) {
    uint64_t sp = build();
    ASSERT_NE(sp, 0u);
    EXPECT_EQ(sp % 16, 0u) << "the ABI wants RSP 16-byte aligned at entry";
    EXPECT_LT(sp, top_address);
    EXPECT_LE(top_address - sp, capacity);

    uint64_t cursor = sp;
    EXPECT_EQ(word(cursor), 3u); // argc
    cursor += 8;
    std::vector<uint64_t> argv_pointers;
    for (size_t i = 0; i < argv.size(); ++i, cursor += 8)
        argv_pointers.push_back(word(cursor));
    EXPECT_EQ(word(cursor), 0u);
    cursor += 8;
    for (size_t i = 0; i < argv.size(); ++i)
        EXPECT_EQ(string_at(argv_pointers[i]), argv[i]);
    for (size_t i = 0; i < envp.size(); ++i, cursor += 8)
        EXPECT_EQ(string_at(word(cursor)), envp[i]);
    EXPECT_EQ(word(cursor), 0u);
    cursor += 8;

    // The auxiliary vector: the caller's entries, then AT_RANDOM, AT_PLATFORM, AT_EXECFN, AT_NULL.
    EXPECT_EQ(word(cursor), auxv::pagesz);
    EXPECT_EQ(word(cursor + 8), 4096u);
    EXPECT_EQ(word(cursor + 16), auxv::entry);
    EXPECT_EQ(word(cursor + 24), 0x401000u);
    cursor += 32;
    EXPECT_EQ(word(cursor), auxv::random);
    uint64_t random = word(cursor + 8);
    for (int i = 0; i < 16; ++i)
        EXPECT_EQ(*at(random + i), 0xa0 + i);
    EXPECT_EQ(word(cursor + 16), auxv::platform);
    EXPECT_EQ(string_at(word(cursor + 24)), "x86_64");
    EXPECT_EQ(word(cursor + 32), auxv::execfn);
    EXPECT_EQ(word(cursor + 40), argv_pointers[0]);
    EXPECT_EQ(word(cursor + 48), auxv::null);
    EXPECT_EQ(word(cursor + 56), 0u);
    cursor += 64;
    // The strings lie above the vectors, below the top.
    EXPECT_GE(random, cursor);
    for (uint64_t pointer : argv_pointers)
        EXPECT_GT(pointer, cursor);
    expect_guards_intact();
}

TEST_F(InitialStackTest, AlignedWhateverTheStringLengths) {
    std::string grow;
    for (int i = 0; i < 40; ++i) {
        grow += 'x';
        std::vector<const char*> args = {grow.c_str()};
        inputs.argv = args.data();
        inputs.argc = i % 3 ? 1 : 0;
        inputs.envc = size_t(i % 3);
        inputs.auxiliary_count = size_t(i % 2);
        uint64_t sp = build();
        EXPECT_EQ(sp % 16, 0u) << i;
        EXPECT_EQ(word(sp), inputs.argc);
    }
    expect_guards_intact();
}

TEST_F(InitialStackTest, NoArguments) {
    inputs.argc = 0;
    inputs.envc = 0;
    inputs.auxiliary_count = 0;
    uint64_t sp = build();
    EXPECT_EQ(word(sp), 0u);     // argc
    EXPECT_EQ(word(sp + 8), 0u); // argv terminator
    EXPECT_EQ(word(sp + 16), 0u); // envp terminator
    EXPECT_EQ(word(sp + 24), auxv::random);
    EXPECT_EQ(word(sp + 56), auxv::execfn);
    EXPECT_EQ(word(sp + 64), 0u); // no argv[0]: AT_EXECFN is 0
    expect_guards_intact();
}

TEST_F(InitialStackTest, TooBigIsE2big) {
    std::string huge(capacity, 'a');
    std::vector<const char*> args = {huge.c_str()};
    inputs.argv = args.data();
    inputs.argc = 1;
    EXPECT_EQ(error_of(kernel::build_initial_stack(inputs, top(), top_address, capacity)), int(kernel::E2BIG));
    expect_guards_intact(); // nothing written on failure
    for (size_t i = guard; i < guard + capacity; ++i)
        ASSERT_EQ(buffer[i], 0xcc);
    // Many small environment strings too.
    std::vector<std::string> storage(2000, "NAME=value");
    std::vector<const char*> many;
    for (auto& s : storage)
        many.push_back(s.c_str());
    inputs.argv = argv.data();
    inputs.argc = argv.size();
    inputs.envp = many.data();
    inputs.envc = many.size();
    EXPECT_EQ(error_of(kernel::build_initial_stack(inputs, top(), top_address, capacity)), int(kernel::E2BIG));
    expect_guards_intact();
}

TEST_F(InitialStackTest, ExactCapacityFits) {
    uint64_t sp = build();
    size_t used = top_address - sp;
    std::fill(buffer.begin(), buffer.end(), 0xcc);
    EXPECT_EQ(kernel_test::value_of(kernel::build_initial_stack(inputs, top(), top_address, used)), sp);
    EXPECT_EQ(error_of(kernel::build_initial_stack(inputs, top(), top_address, used - 1)), int(kernel::E2BIG));
    expect_guards_intact();
}

} // namespace

// The kernel backs this much of the stack before it builds it: nothing is written below.
TEST(InitialStackSize, CoversEverythingWritten) {
    std::vector<const char*> argv = {"/bin/prog", "a-longer-argument", "x"};
    std::vector<const char*> envp = {"A=1", "PATH=/usr/bin:/bin"};
    AuxiliaryEntry auxiliary[1] = {{auxv::pagesz, 4096}};
    InitialStackInputs inputs{};
    inputs.argc = argv.size();
    inputs.argv = argv.data();
    inputs.envc = envp.size();
    inputs.envp = envp.data();
    inputs.auxiliary = auxiliary;
    inputs.auxiliary_count = 1;
    size_t size = kernel::initial_stack_size(inputs);
    for (uint64_t top = top_address; top > top_address - 16; --top) {
        std::vector<uint8_t> buffer(size, 0);
        auto sp = kernel::build_initial_stack(inputs, buffer.data() + size, top, size);
        ASSERT_FALSE(sp.is_error());
        EXPECT_GE(sp.value(), top - size);
    }
}
