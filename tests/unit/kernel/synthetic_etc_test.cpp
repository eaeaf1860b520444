#include "kernel/kernel_test_support.h"

#include "fs/synthetic/etc_files.h"

namespace {

using kernel::synthetic::TextBuffer;

std::string text_of(const TextBuffer& text) {
    return std::string(text.data(), text.length());
}

TEST(EtcFiles, HostsNameTheMachineAtItsAddress) {
    TextBuffer hosts;
    kernel::synthetic::generate_hosts(hosts, "web-1", 0x0a00020f, kernel::net::Ipv6Address::any());
    std::string text = text_of(hosts);
    EXPECT_EQ(text.rfind("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n", 0),
              0u);
    EXPECT_EQ(text.substr(text.size() - 16), "10.0.2.15\tweb-1\n");
    TextBuffer offline;
    kernel::synthetic::generate_hosts(offline, "ingot", 0, kernel::net::Ipv6Address::any());
    EXPECT_NE(text_of(offline).find("\n127.0.1.1\tingot\n"), std::string::npos);
}

TEST(EtcFiles, HostsNameTheMachineAtItsStaticIpv6AddressToo) {
    TextBuffer hosts;
    kernel::net::Ipv6Address address6{
        {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x15}};
    kernel::synthetic::generate_hosts(hosts, "web-1", 0x0a00020f, address6);
    std::string text = text_of(hosts);
    EXPECT_NE(text.find("\n10.0.2.15\tweb-1\n2001:db8::15\tweb-1\n"), std::string::npos) << text;
}

TEST(EtcFiles, ResolvConfListsEveryServer) {
    const uint32_t servers[] = {0x0a000203, 0x01010101};
    TextBuffer resolv;
    kernel::synthetic::generate_resolv_conf(resolv, servers, 2);
    EXPECT_EQ(text_of(resolv), "nameserver 10.0.2.3\nnameserver 1.1.1.1\n");
    TextBuffer none;
    kernel::synthetic::generate_resolv_conf(none, nullptr, 0);
    EXPECT_EQ(text_of(none).rfind("# ", 0), 0u);
    EXPECT_EQ(text_of(none).find("nameserver "), std::string::npos);
}

TEST(EtcFiles, HostConfAsDebianShipsIt) {
    TextBuffer conf;
    kernel::synthetic::generate_host_conf(conf);
    EXPECT_EQ(text_of(conf), "multi on\n");
}

TEST(EtcFiles, HostnamePasswdGroup) {
    TextBuffer hostname, passwd, group;
    kernel::synthetic::generate_hostname_file(hostname, "box");
    EXPECT_EQ(text_of(hostname), "box\n");
    kernel::synthetic::generate_passwd(passwd);
    EXPECT_EQ(text_of(passwd).rfind("root:x:0:0:root:/root:/bin/sh\n", 0), 0u);
    EXPECT_NE(text_of(passwd).find("\nnobody:x:65534:65534:"), std::string::npos);
    kernel::synthetic::generate_group(group);
    EXPECT_EQ(text_of(group), "root:x:0:\nnogroup:x:65534:\n");
}

TEST(TextBuffer, GrowsAcrossLongAppendsAndMoves) {
    TextBuffer text;
    std::string long_value(1000, 'x');
    for (int i = 0; i < 50; ++i)
        text.append("%d:%s;", i, long_value.c_str());
    ASSERT_OK(text.result());
    EXPECT_EQ(text.length(), 50 * (1000 + 2) + 90);
    TextBuffer moved(std::move(text));
    EXPECT_EQ(moved.length(), 50 * (1000 + 2) + 90);
    EXPECT_EQ(text.length(), 0u);
    EXPECT_STREQ(text.data(), "");
    EXPECT_EQ(std::string(moved.data(), 3), "0:x");
}

} // namespace
