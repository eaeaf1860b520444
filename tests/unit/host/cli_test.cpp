// The command line's own logic: naming a mistyped command, and what --mem and --stack mean.
#include "cli/command_names.h"
#include "cli/program_manifest.h"
#include "support/error.h"

#include <ingot/abi/image.h>

#include <gtest/gtest.h>

namespace ingot {
namespace {

const std::vector<std::string> commands = {"build", "run", "inspect"};

TEST(CommandNames, EditDistanceCountsInsertionsDeletionsAndSubstitutions) {
    EXPECT_EQ(edit_distance("", ""), 0u);
    EXPECT_EQ(edit_distance("build", "build"), 0u);
    EXPECT_EQ(edit_distance("bulid", "build"), 2u);
    EXPECT_EQ(edit_distance("buil", "build"), 1u);
    EXPECT_EQ(edit_distance("rum", "run"), 1u);
    EXPECT_EQ(edit_distance("", "run"), 3u);
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(CommandNames, SuggestsTheNearestCommand) {
    EXPECT_EQ(nearest_command("bulid", commands), "build");
    EXPECT_EQ(nearest_command("rnu", commands), "run");
    EXPECT_EQ(nearest_command("inspcet", commands), "inspect");
    EXPECT_EQ(nearest_command("ps", commands), "run");
    EXPECT_EQ(command_list(commands), "build, run or inspect");
    EXPECT_EQ(command_list({"run"}), "run");
}

TEST(MemoryOption, ABareNumberIsMebibytesForMemAsQemusM) {
    EXPECT_EQ(parse_memory_option("64", "--mem", BareNumber::mebibytes), 64ull << 20);
    EXPECT_EQ(parse_memory_option("64M", "--mem", BareNumber::mebibytes), 64ull << 20);
    EXPECT_EQ(parse_memory_option("1G", "--mem", BareNumber::mebibytes), 1ull << 30);
    EXPECT_EQ(parse_memory_option("", "--mem", BareNumber::mebibytes), std::nullopt);
    EXPECT_EQ(parse_memory_option("65536", "--stack", BareNumber::bytes), 65536u);
    EXPECT_THROW(parse_memory_option("lots", "--mem", BareNumber::mebibytes), UserError);
    EXPECT_THROW(parse_memory_option("0", "--mem", BareNumber::mebibytes), UserError);
    EXPECT_THROW(parse_memory_option("99999999999999999", "--mem", BareNumber::mebibytes),
                 UserError);
}

TEST(ProgramManifest, TakesSizesAndEnvironmentFromTheOptions) {
    ProgramOptions options;
    options.memory = "32";
    options.environment = {"A=1", "B=2"};
    options.arguments = {"x"};
    Manifest manifest = program_manifest("/some/dir/app", options);
    EXPECT_EQ(manifest.memory_size, 32ull << 20);
    EXPECT_EQ(manifest.stack_size, abi::default_stack_size);
    EXPECT_EQ(manifest.arguments, (std::vector<std::string>{"app", "x"}));
    EXPECT_EQ(manifest.environment, options.environment);
    options.stack = "4096";
    EXPECT_THROW(program_manifest("app", options), UserError);
}

} // namespace
} // namespace ingot
