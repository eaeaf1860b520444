#include "kernel/kernel_test_support.h"

#include "net/unix/unix_address.h"

namespace {

using namespace kernel::net::unix_domain;

std::vector<uint8_t> raw_address(uint16_t family, const std::string& name) {
    std::vector<uint8_t> raw(path_offset + name.size());
    std::memcpy(raw.data(), &family, sizeof family);
    std::memcpy(raw.data() + path_offset, name.data(), name.size());
    return raw;
}

TEST(UnixAddress, PathEndsAtItsFirstNul) {
    auto raw = raw_address(1, std::string("/tmp/s\0junk", 11));
    UnixAddress address = kernel_test::value_of(parse_unix_address(raw.data(), raw.size()));
    EXPECT_EQ(address.kind, UnixAddress::Kind::Path);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(address.name), address.name_length), "/tmp/s");
    uint8_t encoded[path_offset + path_capacity + 1];
    EXPECT_EQ(address.encode(encoded), path_offset + 6 + 1); // Linux counts the NUL
    EXPECT_EQ(std::memcmp(encoded + path_offset, "/tmp/s", 7), 0);
}

TEST(UnixAddress, AbstractNameKeepsEveryByteOfItsLength) {
    auto raw = raw_address(1, std::string("\0ab\0", 4));
    UnixAddress address = kernel_test::value_of(parse_unix_address(raw.data(), raw.size()));
    EXPECT_EQ(address.kind, UnixAddress::Kind::Abstract);
    EXPECT_EQ(address.name_length, 3u);
    uint8_t encoded[path_offset + path_capacity + 1];
    EXPECT_EQ(address.encode(encoded), raw.size());
    EXPECT_EQ(std::memcmp(encoded, raw.data(), raw.size()), 0);
    auto shorter = raw_address(1, std::string("\0ab", 3));
    EXPECT_FALSE(kernel_test::value_of(parse_unix_address(shorter.data(), shorter.size())) ==
                 address);
}

TEST(UnixAddress, RejectsWhatLinuxRejects) {
    auto family_only = raw_address(1, "");
    EXPECT_ERRNO(parse_unix_address(family_only.data(), family_only.size()), EINVAL);
    EXPECT_TRUE(is_autobind_request(family_only.data(), family_only.size()));
    auto inet = raw_address(2, "/x");
    EXPECT_ERRNO(parse_unix_address(inet.data(), inet.size()), EINVAL);
    EXPECT_FALSE(is_autobind_request(inet.data(), path_offset));
    auto too_long = raw_address(1, std::string(path_capacity + 1, 'a'));
    EXPECT_ERRNO(parse_unix_address(too_long.data(), too_long.size()), EINVAL);
    auto longest = raw_address(1, std::string(path_capacity, 'a'));
    EXPECT_EQ(kernel_test::value_of(parse_unix_address(longest.data(), longest.size())).name_length,
              path_capacity);
}

TEST(UnixAddress, UnnamedEncodesAsTheFamilyAlone) {
    UnixAddress unnamed;
    uint8_t encoded[path_offset + path_capacity + 1];
    EXPECT_EQ(unnamed.encode(encoded), path_offset);
    EXPECT_EQ(encoded[0], 1);
}

TEST(UnixAddress, AutobindNamesAreFiveHexDigits) {
    UnixAddress name = autobind_name(0xabc12);
    EXPECT_EQ(name.kind, UnixAddress::Kind::Abstract);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(name.name), name.name_length), "abc12");
    uint8_t encoded[path_offset + path_capacity + 1];
    EXPECT_EQ(name.encode(encoded), 8u); // as getsockname shows Linux's autobound names
}

} // namespace
