// hvt's crash reports unwind the kernel through libdwfl, from the call-frame information the
// kernel's file carries but its memory does not (arch/x86_64/kernel.ld): a stopped vCPU at a
// function's first instruction, before it saves a frame pointer, can only be unwound with it.
#include "image/elf_file.h"
#include "image/embedded_kernel.h"
#include "image/kernel_components.h"
#include "vmm/guest_memory.h"
#include "vmm/guest_page_walker.h"
#include "vmm/unwinder.h"
#include <ingot/abi/components.h>

#include <gtest/gtest.h>

#include <string>

namespace ingot {
namespace {

constexpr uint64_t present = 1, writable = 2;
constexpr uint64_t pml4 = 0x1000, pdpt = 0x2000, pd = 0x3000, pt = 0x4000;
constexpr uint64_t stack_page = 0x400000, stack_frame = 0x10000;

size_t index_of(uint64_t address, int level) {
    return (address >> (12 + 9 * level)) & 511;
}

uint64_t address_of(const ElfFile& elf, const std::string& name) {
    for (const ElfSymbol& symbol : elf.code_symbols())
        if (symbol.name == name)
            return symbol.address;
    ADD_FAILURE() << "the kernel has no symbol " << name;
    return 0;
}

class UnwinderTest : public ::testing::TestWithParam<uint32_t> {
protected:
    UnwinderTest() : memory(4 << 20) {
        // One page of stack at stack_page: the kernel's code is read from its file, not memory.
        EXPECT_TRUE(memory.write(pml4 + index_of(stack_page, 3) * 8, pdpt | present | writable));
        EXPECT_TRUE(memory.write(pdpt + index_of(stack_page, 2) * 8, pd | present | writable));
        EXPECT_TRUE(memory.write(pd + index_of(stack_page, 1) * 8, pt | present | writable));
        EXPECT_TRUE(
            memory.write(pt + index_of(stack_page, 0) * 8, stack_frame | present | writable));
    }

    GuestMemory memory;
};

TEST_P(UnwinderTest, UnwindsTheKernelFromAFunctionsFirstInstruction) {
    std::span<const uint8_t> kernel = kernel_with(GetParam()).elf;
    ElfFile elf(kernel, "kernel");
    uint64_t callee = address_of(elf, "_ZN6kernel7vformatEPcmPKcP13__va_list_tag");
    uint64_t caller = address_of(elf, "kernel_main");
    ASSERT_NE(callee, 0u);
    ASSERT_NE(caller, 0u);
    // The call pushed its return address; no frame pointer leads anywhere.
    uint64_t return_address = caller + 0x20;
    ASSERT_TRUE(memory.write(stack_frame + 0x800, return_address));
    GuestPageWalker walker(memory, pml4);
    Unwinder unwinder(kernel, {}, 0, walker);
    kvm_regs registers{};
    registers.rip = callee;
    registers.rsp = stack_page + 0x800;
    registers.rbp = 0;

    auto frames = unwinder.backtrace(registers, 2);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].pc, callee);
    EXPECT_EQ(frames[0].location.rfind("kernel::vformat(", 0), 0u) << frames[0].location;
    EXPECT_EQ(frames[1].pc, return_address);
    EXPECT_EQ(frames[1].location.rfind("kernel_main+0x1f", 0), 0u) << frames[1].location;
    EXPECT_NE(frames[1].location.find("[kernel]"), std::string::npos) << frames[1].location;
}

// Without the debug component the kernel's file has neither symbols nor call-frame
// information: the report shows addresses, and still the frame pointers' chain.
TEST_F(UnwinderTest, AKernelWithoutDebugIsUnwoundByFramePointersAndNotNamed) {
    std::span<const uint8_t> kernel = kernel_with(abi::component_hvt).elf;
    uint64_t caller = 0xffffffff80101000, frame = stack_page + 0x800;
    ASSERT_TRUE(memory.write(stack_frame + 0x800, uint64_t{0}));
    ASSERT_TRUE(memory.write(stack_frame + 0x808, caller));
    GuestPageWalker walker(memory, pml4);
    Unwinder unwinder(kernel, {}, 0, walker);
    kvm_regs registers{};
    registers.rip = 0xffffffff80102000;
    registers.rsp = frame - 0x40;
    registers.rbp = frame;

    auto frames = unwinder.backtrace(registers, 4);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].location, "?? [kernel]");
    EXPECT_EQ(frames[1].pc, caller);
    EXPECT_EQ(frames[1].location, "?? [kernel]");
}

INSTANTIATE_TEST_SUITE_P(
    HvtKernels, UnwinderTest,
    ::testing::Values(abi::component_hvt | abi::component_debug,
                      abi::component_hvt | abi::component_net | abi::component_debug,
                      abi::component_hvt | abi::component_pvh | abi::component_debug,
                      abi::all_components));

} // namespace
} // namespace ingot
