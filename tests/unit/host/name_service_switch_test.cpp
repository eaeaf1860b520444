#include "image/name_service_switch.h"

#include <gtest/gtest.h>

namespace ingot {
namespace {

TEST(NameServiceSwitch, ParsesServicesAndSkipsActions) {
    auto databases = parse_nsswitch_conf(
        "# comment\n"
        "passwd:         files systemd\n"
        "hosts: files [NOTFOUND=return] mdns4_minimal [ !UNAVAIL = return ] dns\n"
        "group:files#trailing comment\n"
        "no colon here\n"
        ":\n"
        "passwd: compat\n" // a second line is ignored
        "netgroup: nis");
    EXPECT_EQ(databases["passwd"], (std::vector<std::string>{"files", "systemd"}));
    EXPECT_EQ(databases["hosts"], (std::vector<std::string>{"files", "mdns4_minimal", "dns"}));
    EXPECT_EQ(databases["group"], (std::vector<std::string>{"files"}));
    EXPECT_EQ(databases["netgroup"], (std::vector<std::string>{"nis"}));
    EXPECT_EQ(databases.size(), 4u);
}

TEST(NameServiceSwitch, SurvivesUnclosedBracketsAndEmptyText) {
    EXPECT_TRUE(parse_nsswitch_conf("").empty());
    auto databases = parse_nsswitch_conf("hosts: files [NOTFOUND=return");
    EXPECT_EQ(databases["hosts"], (std::vector<std::string>{"files"}));
}

TEST(NameServiceSwitch, KnowsWhichDatabasesFunctionsUse) {
    EXPECT_EQ(name_service_databases({"getpwnam_r", "getaddrinfo", "getgroups", "printf"}),
              (std::set<std::string>{"passwd", "hosts"}));
    EXPECT_EQ(name_service_databases({"initgroups"}),
              (std::set<std::string>{"initgroups", "group"}));
    EXPECT_TRUE(name_service_databases({"getgroups", "iconv_open"}).empty());
}

TEST(NameServiceSwitch, FilesAndDnsAreBuiltIn) {
    EXPECT_TRUE(is_built_in_name_service("files"));
    EXPECT_TRUE(is_built_in_name_service("dns"));
    EXPECT_FALSE(is_built_in_name_service("systemd"));
    EXPECT_FALSE(is_built_in_name_service("compat"));
}

} // namespace
} // namespace ingot
