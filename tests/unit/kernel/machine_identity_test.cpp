#include "kernel/kernel_test_support.h"

#include "linux/machine_identity.h"
#include "platform/pvh/command_line.h"

namespace {

namespace identity = kernel::identity;
using ingot::abi::Identity;

Identity identity_of(const char* hostname, std::vector<uint32_t> servers) {
    Identity given{};
    given.magic = ingot::abi::identity_magic;
    std::strncpy(given.hostname, hostname, sizeof given.hostname - 1);
    for (uint32_t server : servers)
        given.dns[given.dns_count++] = server;
    return given;
}

// Each test leaves the defaults behind: the identity is the kernel's one global.
class MachineIdentity : public testing::Test {
protected:
    void TearDown() override { ASSERT_OK(identity::apply(identity_of("", {}))); }
};

TEST_F(MachineIdentity, DefaultsUntilTheHostSays) {
    EXPECT_STREQ(identity::hostname(), "ingot");
    EXPECT_EQ(identity::dns_server_count(), 0u);
}

TEST_F(MachineIdentity, TakesTheHostsChoices) {
    ASSERT_OK(identity::apply(identity_of("web-1.example", {0x0a000203, 0x01010101})));
    EXPECT_STREQ(identity::hostname(), "web-1.example");
    ASSERT_EQ(identity::dns_server_count(), 2u);
    EXPECT_EQ(identity::dns_server(0), 0x0a000203u);
    EXPECT_EQ(identity::dns_server(1), 0x01010101u);
    EXPECT_EQ(identity::dns_server(2), 0u);
}

TEST_F(MachineIdentity, MalformedInputChangesNothing) {
    ASSERT_OK(identity::apply(identity_of("kept", {0x08080808})));
    Identity bad = identity_of("new", {});
    bad.magic = 0;
    EXPECT_ERRNO(identity::apply(bad), EINVAL);
    bad = identity_of("bad_name", {});
    EXPECT_ERRNO(identity::apply(bad), EINVAL);
    bad = identity_of("new", {});
    bad.dns_count = 4;
    EXPECT_ERRNO(identity::apply(bad), EINVAL);
    bad = identity_of("new", {0});
    EXPECT_ERRNO(identity::apply(bad), EINVAL);
    bad = identity_of("new", {});
    std::memset(bad.hostname, 'a', sizeof bad.hostname); // no NUL
    EXPECT_ERRNO(identity::apply(bad), EINVAL);
    EXPECT_STREQ(identity::hostname(), "kept");
    EXPECT_EQ(identity::dns_server_count(), 1u);
}

TEST_F(MachineIdentity, HostnameRules) {
    for (const char* good : {"a", "web-1", "a.b.c", "0x"})
        EXPECT_TRUE(identity::is_valid_hostname(good, std::strlen(good))) << good;
    for (const char* bad : {"", "-a", "a-", "a..b", ".a", "a.", "a_b", "a b"})
        EXPECT_FALSE(identity::is_valid_hostname(bad, std::strlen(bad))) << bad;
    std::string long_label(64, 'x');
    EXPECT_FALSE(identity::is_valid_hostname(long_label.data(), long_label.size()));
}

kernel::pvh::CommandLine parsed(std::string& text) {
    kernel::pvh::CommandLine command_line;
    EXPECT_EQ(kernel_test::outcome(
                  kernel::pvh::parse_command_line(text.data(), text.size(), command_line)),
              "OK");
    return command_line;
}

TEST_F(MachineIdentity, PvhCommandLineCarriesTheSame) {
    std::string text = "ingot.console=framed ingot.hostname=box ingot.nameserver=10.0.2.3 "
                       "ingot.nameserver=9.9.9.9 -- arg";
    auto command_line = parsed(text);
    EXPECT_EQ(command_line.identity.magic, ingot::abi::identity_magic);
    EXPECT_STREQ(command_line.identity.hostname, "box");
    ASSERT_EQ(command_line.identity.dns_count, 2);
    EXPECT_EQ(command_line.identity.dns[0], 0x0a000203u);
    EXPECT_EQ(command_line.identity.dns[1], 0x09090909u);
    EXPECT_EQ(command_line.rejected_option_count, 0u);
}

TEST_F(MachineIdentity, PvhCommandLineRejectsBadValuesWhole) {
    std::string text = "ingot.hostname=bad_name ingot.nameserver=1.2.3 ingot.nameserver=0.0.0.0 "
                       "ingot.nameserver=1.1.1.1 ingot.nameserver=2.2.2.2 "
                       "ingot.nameserver=3.3.3.3 ingot.nameserver=4.4.4.4";
    auto command_line = parsed(text);
    EXPECT_STREQ(command_line.identity.hostname, "");
    EXPECT_EQ(command_line.identity.dns_count, 3);
    EXPECT_EQ(command_line.rejected_option_count, 4u);
    std::string none = "ingot.console=framed";
    EXPECT_EQ(parsed(none).identity.magic, 0u);
}

} // namespace
