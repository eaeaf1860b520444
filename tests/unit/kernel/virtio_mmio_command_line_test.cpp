#include "kernel/kernel_test_support.h"

#include "drivers/virtio/mmio_command_line.h"

namespace {

using kernel::virtio::is_virtio_mmio_token;
using kernel::virtio::MmioWindow;
using kernel::virtio::parse_virtio_mmio_token;
using kernel_test::value_of;

kernel::ErrorOr<MmioWindow> parse(const std::string& token) {
    return parse_virtio_mmio_token(token.data(), token.size());
}

void expect_window(const std::string& token, uint64_t base, uint64_t size, uint32_t irq) {
    SCOPED_TRACE(token);
    MmioWindow window = value_of(parse(token));
    EXPECT_EQ(window.base, base);
    EXPECT_EQ(window.size, size);
    EXPECT_EQ(window.irq, irq);
}

TEST(VirtioMmioCommandLine, RecognisesTheTokenByItsPrefix) {
    std::string token = "virtio_mmio.device=4K@0xd0000000:5";
    EXPECT_TRUE(is_virtio_mmio_token(token.data(), token.size()));
    EXPECT_FALSE(is_virtio_mmio_token(token.data(), 18));
    EXPECT_FALSE(is_virtio_mmio_token("virtio_mmio.devices=1", 21));
    EXPECT_FALSE(is_virtio_mmio_token("ingot.console=framed", 20));
}

TEST(VirtioMmioCommandLine, ParsesFirecrackerAndQemuTokens) {
    expect_window("virtio_mmio.device=4K@0xd0000000:5", 0xd0000000, 4096, 5);
    expect_window("virtio_mmio.device=512@0xfeb00e00:12", 0xfeb00e00, 512, 12);
    expect_window("virtio_mmio.device=0x200@0xFEB00000:16", 0xfeb00000, 0x200, 16);
}

TEST(VirtioMmioCommandLine, ParsesSuffixesBasesAndTheOptionalId) {
    expect_window("virtio_mmio.device=1k@4096:0", 4096, 1024, 0);
    expect_window("virtio_mmio.device=2M@0x100000000:7:3", 0x100000000, 2 << 20, 7);
    expect_window("virtio_mmio.device=1G@010:1", 8, 1ull << 30, 1); // 010 is octal, as in Linux
    expect_window("virtio_mmio.device=4K@0:1", 0, 4096, 1);
}

TEST(VirtioMmioCommandLine, HonoursTheLengthNotTheTerminator) {
    std::string line = "virtio_mmio.device=4K@0xd0000000:5 virtio_mmio.device=4K@0xd0001000:6";
    MmioWindow window = value_of(parse_virtio_mmio_token(line.data(), line.find(' ')));
    EXPECT_EQ(window.base, 0xd0000000u);
    EXPECT_EQ(window.irq, 5u);
}

TEST(VirtioMmioCommandLine, RejectsMalformedTokens) {
    for (const char* token : {
             "virtio_mmio.device=",
             "virtio_mmio.device=4K",
             "virtio_mmio.device=4K@",
             "virtio_mmio.device=4K@0xd0000000",
             "virtio_mmio.device=4K@0xd0000000:",
             "virtio_mmio.device=@0xd0000000:5",
             "virtio_mmio.device=4K0xd0000000:5",
             "virtio_mmio.device=4K@0x:5",
             "virtio_mmio.device=4K@0xd0000000:5x",
             "virtio_mmio.device=4K@0xd0000000:5:",
             "virtio_mmio.device=4K@0xd0000000:0x5",
             "virtio_mmio.device=4K@0xd0000000:-5",
             "virtio_mmio.device=4T@0xd0000000:5",
             "virtio_mmio.device=0@0xd0000000:5",
             "virtio_mmio.device=4K@09:5",
             "virtio_mmio.device=4K @0xd0000000:5",
             "virtio_mmio.device=4K@0xd0000000:5 ",
             "virtio_mmio.devic=4K@0xd0000000:5",
         }) {
        EXPECT_ERRNO(parse(token), EINVAL) << token;
    }
}

TEST(VirtioMmioCommandLine, RejectsOverflowingNumbers) {
    EXPECT_ERRNO(parse("virtio_mmio.device=4K@0x10000000000000000:5"), EINVAL);
    EXPECT_ERRNO(parse("virtio_mmio.device=99999999999999999999@0x1000:5"), EINVAL);
    EXPECT_ERRNO(parse("virtio_mmio.device=0x10000000000000G@0x1000:5"), EINVAL);
    EXPECT_ERRNO(parse("virtio_mmio.device=4K@0xfffffffffffff000:5"), EINVAL); // ends at 2^64
    EXPECT_ERRNO(parse("virtio_mmio.device=4K@0x1000:4294967296"), EINVAL);
    expect_window("virtio_mmio.device=4K@0xffffffffffffe000:4294967295", 0xffffffffffffe000, 4096,
                  4294967295u);
}

} // namespace
