#include "vmm/payload_region.h"

#include "support/file.h"
#include "test_support.h"

#include <ingot/abi/memory_layout.h>

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

namespace ingot {
namespace {

constexpr uint64_t page = abi::page_size;

std::vector<uint8_t> test_image() {
    Manifest manifest;
    manifest.arguments = {"hello"};
    manifest.memory_size = 64ull << 20;
    return build_image(ingot_test::read_file(ingot_test::kernel_elf_path()),
                       ingot_test::read_file(ingot_test::static_program_path()), manifest);
}

bool all_zero(std::span<const uint8_t> bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](uint8_t byte) { return byte == 0; });
}

// The guest sees exactly the payload, then zeros to its last page's end.
void expect_payload(const PayloadRegion& region, const Image& image) {
    auto bytes = region.bytes();
    EXPECT_EQ(reinterpret_cast<uintptr_t>(bytes.data()) % page, 0u);
    EXPECT_EQ(bytes.size() % page, 0u);
    ASSERT_GE(bytes.size(), image.payload_bytes.size());
    EXPECT_LT(bytes.size() - image.payload_bytes.size(), page);
    EXPECT_TRUE(std::equal(image.payload_bytes.begin(), image.payload_bytes.end(), bytes.begin()));
    EXPECT_TRUE(all_zero(bytes.subspan(image.payload_bytes.size())));
}

TEST(PayloadRegion, AnImageFileLendsItsOwnPages) {
    std::vector<uint8_t> bytes = test_image();
    char path[] = "/tmp/ingot-payload-region-XXXXXX";
    int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    ::close(fd);
    {
        MappedFile file(path, "image");
        Image image = read_image(file.bytes(), path);
        PayloadRegion region(image, ImageBacking::FileMapping);
        EXPECT_FALSE(region.copied());
        EXPECT_EQ(region.bytes().data(), image.payload_bytes.data());
        expect_payload(region, image);
    }
    ::unlink(path);
}

TEST(PayloadRegion, AnImageInMemoryIsCopied) {
    std::vector<uint8_t> bytes = test_image();
    Image image = read_image(bytes, "memory.img");
    PayloadRegion region(image, ImageBacking::Memory);
    EXPECT_TRUE(region.copied());
    EXPECT_NE(region.bytes().data(), image.payload_bytes.data());
    expect_payload(region, image);
}

// A caller that says "file mapping" of bytes that are not one (not page aligned) still gets a
// region holding the payload alone, never the memory around it.
TEST(PayloadRegion, BytesThatAreNoWholeFileMappingAreCopied) {
    std::vector<uint8_t> bytes = test_image();
    std::vector<uint8_t> shifted(bytes.size() + 8);
    std::copy(bytes.begin(), bytes.end(), shifted.begin() + 8);
    auto span = std::span<const uint8_t>(shifted).subspan(8);
    ASSERT_NE(reinterpret_cast<uintptr_t>(span.data()) % page, 0u);
    Image image = read_image(span, "shifted.img");
    PayloadRegion region(image, ImageBacking::FileMapping);
    EXPECT_TRUE(region.copied());
    expect_payload(region, image);
}

} // namespace
} // namespace ingot
