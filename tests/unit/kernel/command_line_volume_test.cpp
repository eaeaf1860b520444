// `ingot.volume=INDEX:ro|rw:GUESTDIR` on the pvh kernel command line: which virtio-9p device
// (mount tag ingotINDEX) is mounted where; malformed options are rejected whole.
#include "kernel/kernel_test_support.h"

#include "platform/pvh/command_line.h"

namespace {

using kernel::pvh::CommandLine;

std::unique_ptr<CommandLine> parse(std::string& text) {
    auto command_line = std::make_unique<CommandLine>();
    EXPECT_EQ(kernel_test::outcome(
                  kernel::pvh::parse_command_line(text.data(), text.size(), *command_line)),
              "OK");
    return command_line;
}

std::string path_of(const kernel::pvh::VolumeOption& volume) {
    return std::string(volume.path, volume.path_length);
}

TEST(CommandLineVolume, TakesIndexModeAndDecodedPath) {
    std::string text = "ingot.volume=0:rw:/data ingot.volume=3:ro:/srv/with%20space:colon";
    auto command_line = parse(text);
    ASSERT_EQ(command_line->volume_count, 2u);
    EXPECT_EQ(command_line->volumes[0].index, 0u);
    EXPECT_FALSE(command_line->volumes[0].read_only);
    EXPECT_EQ(path_of(command_line->volumes[0]), "/data");
    EXPECT_EQ(command_line->volumes[1].index, 3u);
    EXPECT_TRUE(command_line->volumes[1].read_only);
    EXPECT_EQ(path_of(command_line->volumes[1]), "/srv/with space:colon");
    EXPECT_EQ(command_line->rejected_option_count, 0u);
}

TEST(CommandLineVolume, RejectsMalformedOptionsWhole) {
    std::string long_path = "/" + std::string(ingot::abi::volume_path_capacity, 'x');
    std::string text = "ingot.volume=8:rw:/a ingot.volume=x:rw:/a ingot.volume=0:rx:/a "
                       "ingot.volume=0:rw:relative ingot.volume=0:rw: ingot.volume=0 "
                       "ingot.volume=1:ro:" +
                       long_path + " ingot.volume=2:rw:/ok ingot.volume=2:ro:/twice";
    auto command_line = parse(text);
    ASSERT_EQ(command_line->volume_count, 1u);
    EXPECT_EQ(path_of(command_line->volumes[0]), "/ok");
    EXPECT_EQ(command_line->rejected_option_count, 8u);
}

TEST(CommandLineVolume, TakesAtMostTheGuestsNumberOfVolumes) {
    std::string text;
    for (uint32_t i = 0; i < ingot::abi::max_volumes; ++i)
        text += "ingot.volume=" + std::to_string(i) + ":rw:/v" + std::to_string(i) + " ";
    text += "ingot.volume=0:rw:/extra";
    auto command_line = parse(text);
    EXPECT_EQ(command_line->volume_count, ingot::abi::max_volumes);
    EXPECT_EQ(command_line->rejected_option_count, 1u);
}

} // namespace
