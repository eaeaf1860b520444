// The plain logic of rewriting a syscall site: which instruction moves, and the stub and jump
// bytes that replace it.
#include "kernel/kernel_test_support.h"

#include "linux/syscall_site.h"

#include <vector>

namespace {

namespace site = kernel::syscall_site;
using Bytes = std::vector<uint8_t>;

int32_t read32(const uint8_t* bytes) {
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i)
        value |= uint32_t(bytes[i]) << (8 * i);
    return static_cast<int32_t>(value);
}

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes all;
    for (const Bytes& part : parts)
        all.insert(all.end(), part.begin(), part.end());
    return all;
}

const Bytes push_rbp = {0x55};
const Bytes mov_rsp_rbp = {0x48, 0x89, 0xe5};
const Bytes mov_39_eax = {0xb8, 0x27, 0x00, 0x00, 0x00};
const Bytes mov_rdx_rax = {0x48, 0x89, 0xd0};
const Bytes mov_rip_rax = {0x48, 0x8b, 0x05, 0x10, 0x00, 0x00, 0x00}; // mov 0x10(%rip),%rax
const Bytes mov_stack_rax = {0x48, 0x8b, 0x44, 0x24, 0x08};           // mov 0x8(%rsp),%rax
const Bytes call_rel32 = {0xe8, 0x00, 0x00, 0x00, 0x00};
const Bytes syscall = {0x0f, 0x05};

TEST(SyscallSite, MovesTheInstructionBeforeTheSyscall) {
    Bytes code = concat({push_rbp, mov_rsp_rbp, mov_39_eax, syscall});
    auto plan = kernel_test::value_of(site::plan(code.data(), code.size() - 2));
    EXPECT_EQ(plan.length, 5);

    code = concat({push_rbp, mov_stack_rax, syscall}); // Go's syscall stubs load RAX so
    EXPECT_EQ(kernel_test::value_of(site::plan(code.data(), code.size() - 2)).length, 5);
}

TEST(SyscallSite, RefusesInstructionsThatCannotMove) {
    for (const Bytes& before : {mov_rdx_rax, mov_rip_rax, call_rel32}) {
        Bytes code = concat({push_rbp, before, syscall});
        EXPECT_ERRNO(site::plan(code.data(), code.size() - 2), ENOTSUP);
    }
    // Nothing before the syscall at all.
    EXPECT_ERRNO(site::plan(syscall.data(), 0), EINVAL);
}

TEST(SyscallSite, RefusesWhatIsNotASyscallOnABoundary) {
    // 0F 05 inside an immediate: decoding from the start never lands on it.
    Bytes code = {0xb8, 0x0f, 0x05, 0x00, 0x00, 0x90, 0x90};
    EXPECT_ERRNO(site::plan(code.data(), 1), EINVAL);
    // A boundary, but no syscall there.
    code = concat({mov_39_eax, {0x90, 0x90}});
    EXPECT_ERRNO(site::plan(code.data(), 5), EINVAL);
    // Bytes that do not decode.
    code = concat({{0x06}, mov_39_eax, syscall}); // push %es: invalid in 64-bit mode
    EXPECT_ERRNO(site::plan(code.data(), code.size() - 2), EINVAL);
}

TEST(SyscallSite, StubRunsTheMovedInstructionThenEntersTheKernel) {
    const uint64_t syscall_address = 0x401005, moved_address = 0x401000;
    const uint64_t stub_address = 0x3ff020, slot = 0x3ff000;
    site::Plan plan{5};
    uint8_t stub[site::stub_size];
    site::write_stub(stub, stub_address, mov_39_eax.data(), plan, syscall_address, slot);
    EXPECT_EQ(Bytes(stub, stub + 5), mov_39_eax);
    // lea resume(%rip), %rcx: RCX gets the address after the syscall, as `syscall` sets it.
    EXPECT_EQ(Bytes(stub + 5, stub + 8), (Bytes{0x48, 0x8d, 0x0d}));
    EXPECT_EQ(stub_address + 12 + read32(stub + 8), syscall_address + 2);
    // jmp *slot(%rip)
    EXPECT_EQ(Bytes(stub + 12, stub + 14), (Bytes{0xff, 0x25}));
    EXPECT_EQ(stub_address + 18 + read32(stub + 14), slot);
    for (size_t i = 18; i < site::stub_size; ++i)
        EXPECT_EQ(stub[i], 0xcc);

    uint8_t jump[7];
    site::write_jump(jump, moved_address, site::Plan{7}, stub_address);
    EXPECT_EQ(jump[0], 0xe9);
    EXPECT_EQ(moved_address + 5 + read32(jump + 1), stub_address);
    EXPECT_EQ(jump[5], 0xcc);
    EXPECT_EQ(jump[6], 0xcc);
}

TEST(SyscallSite, ReachIsTheSignedThirtyTwoBitDisplacement) {
    EXPECT_TRUE(site::reaches(0x400000, 5, 0x400005 + 0x7fffffffull));
    EXPECT_FALSE(site::reaches(0x400000, 5, 0x400005 + 0x80000000ull));
    EXPECT_TRUE(site::reaches(0x80000000, 5, 0x80000005 - 0x80000000ull));
    EXPECT_FALSE(site::reaches(0x80000000, 5, 0));
    EXPECT_FALSE(site::reaches(0x7f0000000000, 5, 0x400000));
}

} // namespace
