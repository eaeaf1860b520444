#include "support/base64.h"

#include <gtest/gtest.h>

namespace ingot {
namespace {

std::vector<uint8_t> bytes_of(std::string_view text) {
    return {text.begin(), text.end()};
}

// RFC 4648 section 10.
TEST(Base64, EncodesTheRfcVectors) {
    const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (auto [plain, encoded] : vectors) {
        EXPECT_EQ(encode_base64(bytes_of(plain)), encoded);
        EXPECT_EQ(decode_base64(encoded), bytes_of(plain)) << encoded;
    }
}

TEST(Base64, EveryByteValueRoundTrips) {
    std::vector<uint8_t> all(256);
    for (size_t i = 0; i < all.size(); ++i)
        all[i] = static_cast<uint8_t>(255 - i);
    for (size_t length = 0; length <= all.size(); length += 85) {
        std::vector<uint8_t> part(all.begin(), all.begin() + static_cast<long>(length));
        EXPECT_EQ(decode_base64(encode_base64(part)), part);
    }
}

TEST(Base64, RefusesWhatIsNotCanonical) {
    for (const char* text :
         {"Zg=", "Zg", "Z===", "Zh==", "Zm9=", "Zm$v", "Zg==Zg==", "=Zm9", "Zm 9v", "Zm9v\n"})
        EXPECT_FALSE(decode_base64(text)) << text;
}

} // namespace
} // namespace ingot
