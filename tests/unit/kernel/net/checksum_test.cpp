#include <random>

#include "kernel/net/net_test_support.h"

#include "net/checksum.h"
#include "net/ip_output.h"

namespace kernel_test {
namespace {

using namespace kernel::net;

// RFC 1071 section 3's worked example: the sum of 0001 f203 f4f5 f6f7 is ddf2.
const Bytes rfc1071_example = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};

TEST(NetChecksum, Rfc1071Example) {
    ChecksumAccumulator sum;
    sum.add(rfc1071_example.data(), rfc1071_example.size());
    EXPECT_EQ(sum.folded(), 0xddf2);
    EXPECT_EQ(internet_checksum(rfc1071_example.data(), rfc1071_example.size()), 0x220d);
}

TEST(NetChecksum, OddLengthPadsTheLastByteWithZero) {
    const Bytes odd = {0x12, 0x34, 0x56};
    EXPECT_EQ(internet_checksum(odd.data(), odd.size()), static_cast<uint16_t>(~0x6834));
    const Bytes padded = {0x12, 0x34, 0x56, 0x00};
    EXPECT_EQ(internet_checksum(odd.data(), odd.size()),
              internet_checksum(padded.data(), padded.size()));
}

TEST(NetChecksum, PiecesOfAnyLengthSumAsTheWhole) {
    Bytes data(257);
    for (size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<uint8_t>(i * 7 + 3);
    uint16_t whole = internet_checksum(data.data(), data.size());
    for (size_t first : {0, 1, 2, 3, 100, 255, 256, 257}) {
        for (size_t second : {0, 1, 3, 8}) {
            size_t split2 = std::min(data.size(), first + second);
            ChecksumAccumulator sum;
            sum.add(data.data(), first);
            sum.add(data.data() + first, split2 - first);
            sum.add(data.data() + split2, data.size() - split2);
            EXPECT_EQ(sum.checksum(), whole) << first << "+" << second;
        }
    }
}

// Against RFC 1071's definition, a 16-bit big-endian word at a time, over random bytes cut
// into random pieces (odd starts and lengths included).
TEST(NetChecksum, AgreesWithTheDefinitionOverRandomPieces) {
    std::mt19937 random(1071);
    for (int round = 0; round < 200; ++round) {
        Bytes data(random() % 3000);
        for (auto& byte : data)
            byte = static_cast<uint8_t>(random());
        uint64_t reference = 0;
        for (size_t i = 0; i < data.size(); i += 2)
            reference += (uint32_t(data[i]) << 8) | (i + 1 < data.size() ? data[i + 1] : 0);
        ChecksumAccumulator sum;
        for (size_t offset = 0; offset < data.size();) {
            size_t piece = std::min<size_t>(data.size() - offset, random() % 70);
            sum.add(data.data() + offset, piece);
            offset += piece;
        }
        EXPECT_EQ(sum.folded(), fold_checksum(reference)) << data.size() << " bytes";
    }
}

TEST(NetChecksum, FragmentsSumAsTheirConcatenation) {
    const Bytes a = {1, 2, 3}, b = {4}, c = {5, 6, 7, 8, 9};
    TransmitFragment fragments[] = {
        {a.data(), a.size()}, {b.data(), b.size()}, {c.data(), c.size()}};
    ChecksumAccumulator sum;
    sum.add(fragments, 3);
    const Bytes all = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    EXPECT_EQ(sum.checksum(), internet_checksum(all.data(), all.size()));
}

TEST(NetChecksum, ABufferWithItsChecksumSumsToZero) {
    Bytes data = {0x45, 0x00, 0x00, 0x54, 0xab, 0xcd, 0x40, 0x00, 0x40, 0x01,
                  0x00, 0x00, 0x0a, 0x00, 0x02, 0x0f, 0x0a, 0x00, 0x02, 0x02};
    store_be16(data.data() + 10, internet_checksum(data.data(), data.size()));
    EXPECT_EQ(internet_checksum(data.data(), data.size()), 0);
}

TEST(NetChecksum, CarriesFoldBackIn) {
    const Bytes ones(4096, 0xff);
    EXPECT_EQ(internet_checksum(ones.data(), ones.size()), 0);
    EXPECT_EQ(fold_checksum(0x1fffe), 0xffff);
    EXPECT_EQ(fold_checksum(0xffffffffull), 0xffff);
}

TEST(NetChecksum, PseudoHeaderSumCoversAddressesProtocolAndLength) {
    Ipv4Address source = Ipv4Address::from_octets(10, 0, 2, 15);
    Ipv4Address destination = Ipv4Address::from_octets(10, 0, 2, 2);
    // The pseudo-header as bytes: source, destination, zero, protocol, length.
    const Bytes pseudo = {10, 0, 2, 15, 10, 0, 2, 2, 0, 17, 0x01, 0x23};
    ChecksumAccumulator bytes;
    bytes.add(pseudo.data(), pseudo.size());
    EXPECT_EQ(fold_checksum(pseudo_header_sum(source, destination, 17, 0x123)), bytes.folded());
}

} // namespace
} // namespace kernel_test
