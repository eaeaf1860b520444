#include "cli/identity_options.h"
#include "net/address_text.h"
#include "qemu/kernel_command_line.h"
#include "support/error.h"

#include <gtest/gtest.h>

namespace ingot {
namespace {

std::string rejection(const IdentityOptions& options) {
    try {
        plan_identity(options);
    } catch (const UserError& error) {
        return error.what();
    }
    return "";
}

TEST(IdentityOptions, NothingGivenKeepsTheKernelsDefaults) {
    EXPECT_FALSE(plan_identity({}));
}

TEST(IdentityOptions, HostnameAndServersAreEncoded) {
    IdentityOptions options;
    options.hostname = "web-1.example.com";
    options.dns = {"10.0.2.3", "1.1.1.1"};
    std::optional<abi::Identity> identity = plan_identity(options);
    ASSERT_TRUE(identity);
    EXPECT_EQ(identity->magic, abi::identity_magic);
    EXPECT_STREQ(identity->hostname, "web-1.example.com");
    ASSERT_EQ(identity->dns_count, 2);
    EXPECT_EQ(format_ipv4(identity->dns[0]), "10.0.2.3");
    EXPECT_EQ(format_ipv4(identity->dns[1]), "1.1.1.1");
}

TEST(IdentityOptions, DnsAloneLeavesTheHostnameEmpty) {
    IdentityOptions options;
    options.dns = {"8.8.8.8"};
    std::optional<abi::Identity> identity = plan_identity(options);
    ASSERT_TRUE(identity);
    EXPECT_STREQ(identity->hostname, "");
    EXPECT_EQ(identity->dns_count, 1);
}

TEST(IdentityOptions, HostnamesFollowRfc1123) {
    for (const char* good : {"a", "ingot", "web-1", "1host", "a.b.c", "UPPER.lower", "x-y-z9"})
        EXPECT_TRUE(is_valid_hostname(good)) << good;
    for (const char* bad : {"", "-lead", "trail-", "a..b", ".a", "a.", "under_score", "sp ace",
                            "a.-b", "a-.b", "caf\xc3\xa9"})
        EXPECT_FALSE(is_valid_hostname(bad)) << bad;
    EXPECT_TRUE(is_valid_hostname(std::string(63, 'a')));
    EXPECT_FALSE(is_valid_hostname(std::string(64, 'a')));
    EXPECT_FALSE(is_valid_hostname(std::string(32, 'a') + "." + std::string(32, 'b')));
}

TEST(IdentityOptions, BadValuesAreOneLine) {
    IdentityOptions options;
    options.hostname = "bad_name";
    EXPECT_EQ(rejection(options).rfind("--hostname bad_name: not a host name", 0), 0u);
    options = {};
    options.dns = {"10.0.2"};
    EXPECT_EQ(rejection(options), "--dns 10.0.2: not an IPv4 address");
    options.dns = {"1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"};
    EXPECT_EQ(rejection(options).rfind("--dns was given 4 times", 0), 0u);
    for (const std::string& message : {rejection(options)})
        EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(IdentityOptions, QemuCommandLineCarriesOneTokenEach) {
    KernelCommandLineOptions options;
    options.streams = {abi::StreamKind::Null, abi::StreamKind::Pipe, abi::StreamKind::File};
    IdentityOptions given;
    given.hostname = "box";
    given.dns = {"10.0.2.3", "9.9.9.9"};
    options.identity = plan_identity(given);
    EXPECT_EQ(kernel_command_line(options),
              "ingot.console=framed ingot.streams=NPF ingot.hostname=box "
              "ingot.nameserver=10.0.2.3 ingot.nameserver=9.9.9.9");
}

} // namespace
} // namespace ingot
