#include "launch/launch_arguments.h"

#include <gtest/gtest.h>

namespace ingot {
namespace {

using Strings = std::vector<std::string>;

Manifest image_manifest() {
    Manifest manifest;
    manifest.arguments = {"server", "--port", "80"};
    manifest.environment = {"A=1", "B=2", "A=shadowed"};
    return manifest;
}

TEST(LaunchArguments, RunArgumentsReplaceAllButArgvZero) {
    EXPECT_EQ(launch_arguments(image_manifest(), {}), image_manifest().arguments);
    EXPECT_EQ(launch_arguments(image_manifest(), {"--port", "8080", ""}),
              (Strings{"server", "--port", "8080", ""}));
}

TEST(LaunchArguments, TheRunsVariablesReplaceInPlaceOrAreAdded) {
    // As the kernel's apply_run_time_arguments: the first of a NAME is replaced, the later
    // of two the run gives wins, a NAME the image lacks goes at the end.
    EXPECT_EQ(merge_environment(image_manifest().environment, {"C=3", "A=9", "C=4", "EMPTY="}),
              (Strings{"A=9", "B=2", "A=shadowed", "C=4", "EMPTY="}));
    EXPECT_EQ(merge_environment({}, {}), Strings{});
    // A NAME that is a prefix of another is another NAME.
    EXPECT_EQ(merge_environment({"AB=1"}, {"A=2"}), (Strings{"AB=1", "A=2"}));
}

TEST(LaunchArguments, NothingIsToldWhenThePlanIsTheImages) {
    Manifest image = image_manifest();
    EXPECT_TRUE(run_time_arguments(image, image.arguments, image.environment).empty());
    EXPECT_TRUE(encode_run_time_arguments(RunTimeArguments{}).empty());
    // The same arguments given again change nothing either.
    EXPECT_TRUE(
        run_time_arguments(image, launch_arguments(image, {"--port", "80"}), image.environment)
            .empty());
}

TEST(LaunchArguments, WhatIsToldGivesBackThePlan) {
    Manifest image = image_manifest();
    Strings run_environment = {"B=3", "Z=26", "A=shadowed"};
    Strings arguments = launch_arguments(image, {"-v"});
    Strings environment = merge_environment(image.environment, run_environment);
    RunTimeArguments told = run_time_arguments(image, arguments, environment);
    EXPECT_EQ(told.arguments, (Strings{"server", "-v"}));
    // A=shadowed replaced A=1 (the first A): told; B=3 and Z=26 too.
    EXPECT_EQ(told.environment, (Strings{"A=shadowed", "B=3", "Z=26"}));
    EXPECT_EQ(merge_environment(image.environment, told.environment), environment);
    EXPECT_FALSE(encode_run_time_arguments(told).empty());
}

} // namespace
} // namespace ingot
