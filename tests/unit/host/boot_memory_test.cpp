#include "vmm/boot_memory.h"

#include "support/error.h"
#include "test_support.h"
#include "vmm/guest_page_walker.h"
#include "vmm/payload_region.h"

#include <ingot/abi/image.h>
#include <ingot/abi/memory_layout.h>

#include <gtest/gtest.h>

#include <cstring>

namespace ingot {
namespace {

constexpr uint64_t memory_size = 16ull << 20;
constexpr uint64_t writable = 2;

class BootMemoryTest : public ::testing::Test {
protected:
    BootMemoryTest()
        : bytes(build_image(ingot_test::read_file(ingot_test::kernel_elf_path()),
                            ingot_test::read_file(ingot_test::static_program_path()), manifest())),
          image(read_image(bytes, "test.img")), memory(memory_size),
          payload(image, ImageBacking::Memory) {
        memory.add_read_only(abi::payload_region_physical, payload.bytes());
        layout = plan_boot_layout(image, memory_size, 0);
        load_image(image, memory);
        build_page_tables(layout, memory, payload.bytes().size());
    }

    static Manifest manifest() {
        Manifest manifest;
        manifest.arguments = {"hello"};
        manifest.memory_size = memory_size;
        return manifest;
    }

    // The page-table entry that maps `virtual_address` with a 2 MiB page.
    uint64_t directory_entry(uint64_t virtual_address) {
        uint64_t table = layout.page_tables;
        for (int level = 3; level >= 1; --level) {
            auto entry =
                memory.read<uint64_t>(table + ((virtual_address >> (12 + 9 * level)) & 511) * 8);
            EXPECT_TRUE(entry);
            if (level == 1 || !entry)
                return entry.value_or(0);
            table = *entry & 0x000ffffffffff000ull;
        }
        return 0;
    }

    std::vector<uint8_t> bytes;
    Image image;
    GuestMemory memory;
    PayloadRegion payload;
    BootLayout layout;
};

// RAM holds the kernel and the boot tables right after it; the payload is not copied there.
TEST_F(BootMemoryTest, RamHoldsTheKernelButNotThePayload) {
    EXPECT_EQ(layout.page_tables, image.kernel_end());
    EXPECT_LT(image.kernel_end(), image.load_end());
    auto kernel = image.kernel_segments();
    ASSERT_FALSE(kernel.empty());
    auto first = memory.span(kernel.front().physical_address, kernel.front().file_size);
    ASSERT_TRUE(first);
    EXPECT_EQ(std::memcmp(first->data(), image.bytes.data() + kernel.front().file_offset,
                          kernel.front().file_size),
              0);
    // Where a PVH loader would put the payload, RAM is free for the kernel's frames.
    uint64_t magic = 0;
    auto where_pvh_puts_it = memory.span(image.payload_physical, sizeof magic);
    ASSERT_TRUE(where_pvh_puts_it);
    std::memcpy(&magic, where_pvh_puts_it->data(), sizeof magic);
    EXPECT_NE(magic, abi::payload_magic);
}

// The kernel reaches the payload through the direct map, read-only, at its own region.
TEST_F(BootMemoryTest, TheDirectMapReachesThePayloadReadOnly) {
    GuestPageWalker walker(memory, layout.page_tables);
    uint64_t virtual_address = abi::direct_map_base + abi::payload_region_physical;
    EXPECT_EQ(walker.translate(virtual_address), abi::payload_region_physical);
    abi::PayloadHeader header{};
    ASSERT_TRUE(walker.read(virtual_address, &header, sizeof header));
    EXPECT_EQ(header.magic, abi::payload_magic);
    EXPECT_EQ(header.total_size, image.payload.total_size);
    // The payload's last byte, and nothing past its last 2 MiB page.
    uint64_t last = virtual_address + image.payload.total_size - 1;
    uint8_t byte = 0;
    EXPECT_TRUE(walker.read(last, &byte, 1));
    EXPECT_EQ(byte, image.payload_bytes.back());
    uint64_t past =
        (image.payload.total_size + abi::large_page_size - 1) & ~(abi::large_page_size - 1);
    EXPECT_FALSE(walker.translate(virtual_address + past));
    EXPECT_EQ(directory_entry(virtual_address) & writable, 0u);
    // RAM stays writable.
    EXPECT_EQ(walker.translate(abi::direct_map_base + 0x1000), 0x1000u);
    EXPECT_NE(directory_entry(abi::direct_map_base) & writable, 0u);
}

// --mem counts what lies in RAM: the payload only where it is loaded there (pvh).
TEST_F(BootMemoryTest, MinimumMemoryCountsThePayloadOnlyInRam) {
    uint64_t span = image.program_info.memory_span;
    uint64_t own = minimum_memory_for(image, span, 0, PayloadPlacement::OwnRegion);
    uint64_t in_ram = minimum_memory_for(image, span, 0, PayloadPlacement::InRam);
    // Both round up to 256 KiB; the own region costs one page directory.
    EXPECT_GE(in_ram + (256ull << 10) + abi::page_size, own + image.payload.total_size);
    ASSERT_GT(image.payload.total_size, (256ull << 10) + abi::page_size) << "too small to tell";
    EXPECT_LT(own, in_ram);
    EXPECT_EQ(guest_memory_size(image, own, 0, PayloadPlacement::OwnRegion), own);
    EXPECT_THROW(guest_memory_size(image, own, 0, PayloadPlacement::InRam), UserError);
}

} // namespace
} // namespace ingot
