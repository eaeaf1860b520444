// The plain logic of rewriting a syscall site: which way (the instruction before it moves, or
// dead padding takes the jump), and the stub and jump bytes.
#include "kernel/kernel_test_support.h"

#include "linux/syscall_site.h"

#include <vector>

namespace {

namespace site = kernel::syscall_site;
using Bytes = std::vector<uint8_t>;
using Kind = site::Plan::Kind;

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
const Bytes xor_eax = {0x31, 0xc0};
const Bytes mov_rip_rax = {0x48, 0x8b, 0x05, 0x10, 0x00, 0x00, 0x00}; // mov 0x10(%rip),%rax
const Bytes mov_stack_rax = {0x48, 0x8b, 0x44, 0x24, 0x08};           // mov 0x8(%rsp),%rax
const Bytes call_rel32 = {0xe8, 0x00, 0x00, 0x00, 0x00};
const Bytes syscall = {0x0f, 0x05};
const Bytes cmp_error = {0x48, 0x3d, 0x00, 0xf0, 0xff, 0xff}; // cmp $-4096,%rax
const Bytes ret = {0xc3};
const Bytes nopw10 = {0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0}; // cs nopw 0x0(%rax,%rax,1)
const Bytes int3s = {0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc};
const Bytes jmp_rax = {0xff, 0xe0};

size_t offset_of_syscall(const Bytes& code) {
    for (size_t i = 0; i + 1 < code.size(); ++i)
        if (code[i] == 0x0f && code[i + 1] == 0x05)
            return i;
    return code.size();
}

kernel::ErrorOr<site::Plan> plan_for(const Bytes& function, const Bytes& after = {}) {
    Bytes all = concat({function, after});
    return site::plan(all.data(), function.size(), after.size(), offset_of_syscall(function));
}

TEST(SyscallSite, MovesTheInstructionBeforeTheSyscall) {
    auto plan =
        kernel_test::value_of(plan_for(concat({push_rbp, mov_rsp_rbp, mov_39_eax, syscall, ret})));
    EXPECT_EQ(plan.kind, Kind::Moved);
    EXPECT_EQ(plan.moved_length, 5);
    // Go's runtime loads RAX from its stack frame.
    plan = kernel_test::value_of(plan_for(concat({push_rbp, mov_stack_rax, syscall, ret})));
    EXPECT_EQ(plan.kind, Kind::Moved);
    EXPECT_EQ(plan.moved_length, 5);
}

// glibc's read: `xor %eax,%eax; syscall; cmp; ja; ret`, then the alignment padding of the
// next block, which only a branch reaches.
TEST(SyscallSite, ShortInstructionsUseDeadPaddingAfterARet) {
    Bytes read = concat({xor_eax,
                         syscall,
                         cmp_error,
                         {0x77, 0x0b},
                         ret,
                         nopw10,
                         mov_39_eax,
                         ret,
                         {0xf7, 0xd8},
                         ret});
    auto plan = kernel_test::value_of(plan_for(read));
    EXPECT_EQ(plan.kind, Kind::Padding);
    EXPECT_EQ(plan.padding_offset, 2u + 2 + 6 + 2 + 1);
    EXPECT_EQ(plan.padding_length, nopw10.size());

    uint8_t jump[2];
    site::write_short_jump(jump, plan, 2);
    EXPECT_EQ(jump[0], 0xeb);
    EXPECT_EQ(4 + int8_t(jump[1]), int(plan.padding_offset));
}

TEST(SyscallSite, PaddingABranchLandsOnIsNotDead) {
    // jne back into the padding (a label there would not be padding at all).
    Bytes code = concat({xor_eax, syscall, ret, nopw10, {0x75, 0xf8}, ret});
    EXPECT_ERRNO(plan_for(code), ENOTSUP);
    // A jump table may land anywhere in the function: only the bytes after it are dead.
    code = concat({mov_rdx_rax, syscall, ret, nopw10, jmp_rax});
    EXPECT_ERRNO(plan_for(code), ENOTSUP);
    auto plan = kernel_test::value_of(plan_for(code, int3s));
    EXPECT_EQ(plan.kind, Kind::Padding);
    EXPECT_EQ(plan.padding_offset, code.size());
    EXPECT_EQ(plan.padding_length, int3s.size());
}

TEST(SyscallSite, PaddingAfterTheFunctionNeedsItsLastInstructionToEndFlow) {
    // musl's _Exit: `mov %rdx,%rax; syscall; jmp back`, then padding before the next function.
    Bytes exit = concat({{0xba, 0x3c, 0, 0, 0}, {0x90}, mov_rdx_rax, syscall, {0xeb, 0xf9}});
    auto plan = kernel_test::value_of(plan_for(exit, nopw10));
    EXPECT_EQ(plan.kind, Kind::Padding);
    EXPECT_EQ(plan.padding_offset, exit.size());
    // A function whose end falls through into what follows.
    EXPECT_ERRNO(plan_for(concat({mov_rdx_rax, syscall, {0x90}}), nopw10), ENOTSUP);
    // Too little, or too far for a short jump.
    EXPECT_ERRNO(plan_for(concat({mov_rdx_rax, syscall, ret}), {0x90, 0x90, 0x90, 0x90}), ENOTSUP);
    Bytes far = concat({mov_rdx_rax, syscall});
    for (int i = 0; i < 30; ++i)
        far = concat({far, mov_39_eax});
    far = concat({far, ret});
    EXPECT_ERRNO(plan_for(far, nopw10), ENOTSUP);
}

TEST(SyscallSite, RefusesInstructionsThatCannotMoveWithoutPadding) {
    EXPECT_ERRNO(plan_for(concat({push_rbp, mov_rdx_rax, syscall, ret})), ENOTSUP);
    EXPECT_ERRNO(plan_for(concat({push_rbp, call_rel32, syscall, ret})), ENOTSUP);
}

// musl's pthread_exit: `lea __thread_list_lock(%rip), %rdi; syscall`.
TEST(SyscallSite, AnInstructionRelativeToRipMovesWithItsOperand) {
    auto plan = kernel_test::value_of(plan_for(concat({push_rbp, mov_rip_rax, syscall, ret})));
    EXPECT_EQ(plan.kind, Kind::Moved);
    EXPECT_EQ(plan.moved_length, 7);
    EXPECT_EQ(plan.rip_displacement_at, 3);

    // At 0x401000 it reads 0x401017 (0x10 past its end); from the stub, still there.
    const uint64_t syscall_address = 0x401007, stub_address = 0x3ff020;
    uint8_t stub[site::stub_size];
    ASSERT_TRUE(
        site::write_stub(stub, stub_address, plan, mov_rip_rax.data(), syscall_address, 0x3ff000));
    EXPECT_EQ(Bytes(stub, stub + 3), (Bytes{0x48, 0x8b, 0x05}));
    EXPECT_EQ(stub_address + 7 + read32(stub + 3), 0x401017u);
    // An operand out of the stub's reach: no stub. At 0x1000 it reads 0x7fffffff past its
    // end; from a stub below it, that is more than a rel32 away.
    const Bytes far_operand = {0x48, 0x8b, 0x05, 0xff, 0xff, 0xff, 0x7f};
    EXPECT_FALSE(site::write_stub(stub, 0x800, plan, far_operand.data(), 0x1007, 0x0));
}

TEST(SyscallSite, RefusesWhatIsNotASyscallOnABoundary) {
    // 0F 05 inside an immediate: decoding from the start never lands on it.
    Bytes code = {0xb8, 0x0f, 0x05, 0x00, 0x00, 0xc3};
    EXPECT_ERRNO(site::plan(code.data(), code.size(), 0, 1), EINVAL);
    // A boundary, but no syscall there.
    code = concat({mov_39_eax, {0x90, 0x90}, ret});
    EXPECT_ERRNO(site::plan(code.data(), code.size(), 0, 5), EINVAL);
    // Bytes that do not decode, and a function whose last instruction runs past its end.
    code = concat({{0x06}, mov_39_eax, syscall, ret}); // push %es: invalid in 64-bit mode
    EXPECT_ERRNO(site::plan(code.data(), code.size(), 0, 6), EINVAL);
    code = concat({mov_39_eax, syscall, mov_39_eax});
    EXPECT_ERRNO(site::plan(code.data(), code.size() - 2, 2, 5), EINVAL);
}

TEST(SyscallSite, StubRunsTheMovedInstructionThenEntersTheKernel) {
    const uint64_t syscall_address = 0x401005, moved_address = 0x401000;
    const uint64_t stub_address = 0x3ff020, slot = 0x3ff000;
    site::Plan plan{Kind::Moved, 5, 0, 0, 0};
    uint8_t stub[site::stub_size];
    ASSERT_TRUE(
        site::write_stub(stub, stub_address, plan, mov_39_eax.data(), syscall_address, slot));
    EXPECT_EQ(Bytes(stub, stub + 5), mov_39_eax);
    // lea resume(%rip), %rcx: RCX gets the address after the syscall, as `syscall` sets it.
    EXPECT_EQ(Bytes(stub + 5, stub + 8), (Bytes{0x48, 0x8d, 0x0d}));
    EXPECT_EQ(stub_address + 12 + read32(stub + 8), syscall_address + 2);
    // jmp *slot(%rip)
    EXPECT_EQ(Bytes(stub + 12, stub + 14), (Bytes{0xff, 0x25}));
    EXPECT_EQ(stub_address + 18 + read32(stub + 14), slot);
    for (size_t i = 18; i < site::stub_size; ++i)
        EXPECT_EQ(stub[i], 0xcc);

    // A padding stub moves nothing.
    ASSERT_TRUE(site::write_stub(stub, stub_address, site::Plan{Kind::Padding, 0, 0, 12, 10},
                                 nullptr, syscall_address, slot));
    EXPECT_EQ(Bytes(stub, stub + 3), (Bytes{0x48, 0x8d, 0x0d}));
    EXPECT_EQ(stub_address + 7 + read32(stub + 3), syscall_address + 2);

    uint8_t jump[7];
    site::write_jump(jump, moved_address, sizeof jump, stub_address);
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
