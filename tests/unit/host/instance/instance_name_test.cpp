#include "instance/detached_run.h"
#include "instance/instance_name.h"
#include "support/error.h"

#include <gtest/gtest.h>

using namespace ingot;

TEST(InstanceName, FollowsDockersRule) {
    for (const char* name : {"web", "w", "0", "web-1", "a.b_c-d", "Web2"})
        EXPECT_TRUE(is_valid_instance_name(name)) << name;
    for (const char* name : {"", "-web", "_web", ".web", "web 1", "web/1", "wéb", "web:1"})
        EXPECT_FALSE(is_valid_instance_name(name)) << name;
    EXPECT_FALSE(is_valid_instance_name(std::string(129, 'a')));
    EXPECT_THROW(check_instance_name("-x"), UserError);
}

TEST(InstanceName, IdsAre64HexDigits) {
    std::string id = generate_instance_id();
    ASSERT_EQ(id.size(), 64u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_NE(generate_instance_id(), id);
    EXPECT_EQ(short_instance_id(id), id.substr(0, 12));
}

TEST(InstanceName, GeneratedNamesAreValid) {
    for (uint64_t random = 0; random < 1000; random += 7)
        EXPECT_TRUE(is_valid_instance_name(generated_instance_name(random)));
    EXPECT_NE(generated_instance_name(0), generated_instance_name(1));
}

namespace {

const std::vector<InstanceKey> known = {
    {"abc1230000000000000000000000000000000000000000000000000000000000", "web"},
    {"abd4560000000000000000000000000000000000000000000000000000000000", "db"},
    {"f00d000000000000000000000000000000000000000000000000000000000000", "abd"},
};

} // namespace

TEST(InstanceMatch, ByIdNameOrUniquePrefix) {
    EXPECT_EQ(match_instance("web", known).id, known[0].id);
    EXPECT_EQ(match_instance(known[1].id, known).name, "db");
    EXPECT_EQ(match_instance("abc", known).name, "web");
    EXPECT_EQ(match_instance("f", known).name, "abd");
    // A name comes before an id prefix, as for docker.
    EXPECT_EQ(match_instance("abd", known).name, "abd");
}

TEST(InstanceMatch, RefusesAmbiguousAndUnknownWords) {
    EXPECT_THROW(match_instance("ab", known), UserError);
    EXPECT_THROW(match_instance("nothere", known), UserError);
    EXPECT_THROW(match_instance("", known), UserError);
    EXPECT_THROW(match_instance("web", {}), UserError);
}

TEST(DetachedRun, CommandLineLosesOnlyTheDetachingOptions) {
    std::vector<std::string> given = {
        "run",      "-d",        "--name", "web", "-p", "8080:80", "--restart=always", "--name=x",
        "--detach", "--restart", "no",     "img", "--", "-d",      "--name",           "y"};
    std::vector<std::string> expected = {"run", "-p", "8080:80", "img", "--", "-d", "--name", "y"};
    EXPECT_EQ(strip_detach_options(given), expected);
}
