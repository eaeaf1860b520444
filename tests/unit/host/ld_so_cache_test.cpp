#include "image/ld_so_cache.h"

#include "host/closure_test_support.h"
#include "support/error.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <random>

namespace ingot {
namespace {

using ingot_test::make_ld_so_cache;

std::string error_of(const std::vector<uint8_t>& bytes) {
    try {
        LdSoCache::parse(bytes, "cache");
    } catch (const UserError& error) {
        return error.what();
    }
    return "";
}

TEST(LdSoCache, FindsTheBaselineX86_64Entry) {
    auto bytes = make_ld_so_cache({
        {"libz.so.1", "/lib/glibc-hwcaps/x86-64-v3/libz.so.1", 0x0303, 1ull << 62},
        {"libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1"},
        {"libz.so.1", "/lib32/libz.so.1", 0x0003}, // i386
        {"libold.so", "/usr/lib/libold.so", 0x0001},
        {"libx32.so", "/libx32/libx32.so", 0x0803}, // x32: another ABI
    });
    LdSoCache cache = LdSoCache::parse(bytes, "cache");
    EXPECT_EQ(cache.find("libz.so.1"), "/lib/x86_64-linux-gnu/libz.so.1");
    EXPECT_EQ(cache.find("libold.so"), "/usr/lib/libold.so");
    EXPECT_FALSE(cache.find("libx32.so"));
    EXPECT_FALSE(cache.find("libnothere.so.1"));
    EXPECT_EQ(cache.size(), 2u);
}

TEST(LdSoCache, ReadsThisMachinesCache) {
    if (access("/etc/ld.so.cache", R_OK) != 0)
        GTEST_SKIP() << "no /etc/ld.so.cache on this machine";
    LdSoCache cache =
        LdSoCache::parse(ingot_test::read_file("/etc/ld.so.cache"), "/etc/ld.so.cache");
    auto libc = cache.find("libc.so.6");
    ASSERT_TRUE(libc);
    EXPECT_TRUE(libc->ends_with("/libc.so.6")) << *libc;
    EXPECT_EQ(access(libc->c_str(), R_OK), 0) << *libc;
}

TEST(LdSoCache, RefusesWrongMagicAndOldFormat) {
    EXPECT_NE(error_of({}).find("not a glibc 2.32+ library cache"), std::string::npos);
    std::string old = "ld.so-1.7.0";
    std::vector<uint8_t> bytes(64, 0);
    std::copy(old.begin(), old.end(), bytes.begin());
    EXPECT_NE(error_of(bytes).find("not a glibc 2.32+ library cache"), std::string::npos);
}

TEST(LdSoCache, RefusesACountLargerThanTheFile) {
    auto bytes = make_ld_so_cache({{"libc.so.6", "/lib/libc.so.6"}});
    uint32_t count = 0xffffffff;
    std::memcpy(bytes.data() + 20, &count, 4);
    EXPECT_NE(error_of(bytes).find("claims"), std::string::npos) << error_of(bytes);
}

TEST(LdSoCache, RefusesStringsPastTheEnd) {
    auto bytes = make_ld_so_cache({{"libc.so.6", "/lib/libc.so.6"}});
    uint32_t far = static_cast<uint32_t>(bytes.size() + 100);
    std::memcpy(bytes.data() + 48 + 8, &far, 4);
    EXPECT_NE(error_of(bytes).find("past its end"), std::string::npos) << error_of(bytes);
    bytes = make_ld_so_cache({{"libc.so.6", "/lib/libc.so.6"}});
    bytes.pop_back(); // the last string loses its NUL
    EXPECT_NE(error_of(bytes).find("runs past its end"), std::string::npos) << error_of(bytes);
}

TEST(LdSoCache, RefusesARelativePath) {
    EXPECT_NE(error_of(make_ld_so_cache({{"libc.so.6", "lib/libc.so.6"}})).find("not absolute"),
              std::string::npos);
}

// Every length short of the whole file is refused: the strings come last, so a cut always
// takes some string's end.
TEST(LdSoCache, RefusesEveryTruncation) {
    auto bytes = make_ld_so_cache({{"libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6"},
                                   {"libm.so.6", "/lib/x86_64-linux-gnu/libm.so.6"}});
    for (size_t size = 0; size < bytes.size(); ++size) {
        std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(size));
        EXPECT_NE(error_of(cut), "") << "accepted a cache cut to " << size << " bytes";
    }
    EXPECT_EQ(error_of(bytes), "");
}

// Garbled bytes: each byte replaced by several values, then random runs over the real cache.
TEST(LdSoCache, SurvivesGarbledBytes) {
    auto bytes = make_ld_so_cache({{"libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6"},
                                   {"libm.so.6", "/lib/x86_64-linux-gnu/libm.so.6"}});
    size_t refused = 0;
    for (size_t offset = 0; offset < bytes.size(); ++offset) {
        for (uint8_t value : {uint8_t{0}, uint8_t{0x7f}, uint8_t{0xff}}) {
            auto garbled = bytes;
            garbled[offset] = value;
            refused += error_of(garbled).empty() ? 0 : 1;
        }
    }
    EXPECT_GT(refused, 0u);
    if (access("/etc/ld.so.cache", R_OK) != 0)
        return;
    auto real = ingot_test::read_file("/etc/ld.so.cache");
    std::mt19937 random(1234);
    for (int round = 0; round < 200; ++round) {
        auto garbled = real;
        for (int i = 0; i < 16; ++i)
            garbled[random() % garbled.size()] = static_cast<uint8_t>(random());
        garbled.resize(random() % (garbled.size() + 1));
        error_of(garbled);
    }
}

} // namespace
} // namespace ingot
