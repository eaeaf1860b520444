// The 9P codec both ends share (kernel/fs/p9/wire.h): fields round-trip, and hostile input
// (truncations, lengths and counts beyond the message, oversized strings) fails without a
// read or write outside the buffers, which ASan would catch.
#include "kernel/kernel_test_support.h"

#include "fs/p9/wire.h"

namespace {

using namespace kernel::p9;

// A heap buffer of exactly `bytes`, so that ASan sees any read past its end.
std::vector<uint8_t> exact(std::initializer_list<uint8_t> bytes) {
    return std::vector<uint8_t>(bytes);
}

TEST(P9Wire, HeaderNeedsSevenBytesAndASizeWithinWhatArrivedAndMsize) {
    Header header;
    auto message = exact({11, 0, 0, 0, 120, 1, 0, 5, 0, 0, 0});
    EXPECT_TRUE(read_header(message.data(), message.size(), 4096, header));
    EXPECT_EQ(header.size, 11u);
    EXPECT_EQ(header.type, MessageType::Tclunk);
    EXPECT_EQ(header.tag, 1);
    EXPECT_FALSE(read_header(message.data(), 6, 4096, header));
    EXPECT_FALSE(read_header(message.data(), 10, 4096, header)); // size beyond what arrived
    EXPECT_FALSE(read_header(message.data(), message.size(), 10, header)); // beyond msize
    auto tiny = exact({6, 0, 0, 0, 120, 1, 0});
    EXPECT_FALSE(read_header(tiny.data(), tiny.size(), 4096, header)); // smaller than a header
    auto huge = exact({0xff, 0xff, 0xff, 0xff, 120, 1, 0});
    EXPECT_FALSE(read_header(huge.data(), huge.size(), 4096, header));
}

TEST(P9Wire, ReaderFailsOnTheFirstFieldThatDoesNotFitAndStaysFailed) {
    auto bytes = exact({1, 2, 3});
    Reader reader(bytes.data(), bytes.size());
    EXPECT_EQ(reader.u16(), 0x0201);
    EXPECT_EQ(reader.u32(), 0u);
    EXPECT_FALSE(reader.ok());
    EXPECT_EQ(reader.u8(), 0); // the byte left is not read after a failure
    EXPECT_EQ(reader.remaining(), 0u);
    EXPECT_FALSE(reader.finished());
}

TEST(P9Wire, StringLongerThanTheMessageFails) {
    auto bytes = exact({0xff, 0xff, 'a', 'b'});
    Reader reader(bytes.data(), bytes.size());
    Bytes text = reader.string();
    EXPECT_FALSE(reader.ok());
    EXPECT_EQ(text.length, 0u);
    EXPECT_EQ(text.data, nullptr);
}

TEST(P9Wire, HugeCountsFailInsteadOfWrapping) {
    auto bytes = exact({1, 2, 3, 4});
    Reader reader(bytes.data(), bytes.size());
    reader.u8();
    EXPECT_EQ(reader.bytes(SIZE_MAX).data, nullptr);
    EXPECT_FALSE(reader.ok());
}

TEST(P9Wire, TrailingBytesMakeAMessageUnfinished) {
    auto bytes = exact({1, 0, 0, 0, 9});
    Reader reader(bytes.data(), bytes.size());
    reader.u32();
    EXPECT_TRUE(reader.ok());
    EXPECT_FALSE(reader.finished());
}

TEST(P9Wire, WriterFailsRatherThanOverflowAndFinishesWithZero) {
    std::vector<uint8_t> buffer(12);
    Writer writer(buffer.data(), buffer.size());
    writer.begin(MessageType::Rread, 3);
    writer.u32(1);
    EXPECT_TRUE(writer.ok());
    writer.u8(1); // 12 bytes: still fits
    writer.u8(2); // one too many
    EXPECT_FALSE(writer.ok());
    EXPECT_EQ(writer.finish(), 0u);
    EXPECT_EQ(writer.reserve(1), nullptr);
}

TEST(P9Wire, WriterRefusesStringsBeyondSixteenBitLengths) {
    std::vector<uint8_t> buffer(70000);
    std::string text(65536, 'x');
    Writer writer(buffer.data(), buffer.size());
    writer.begin(MessageType::Rreadlink, 1);
    writer.string(text.data(), text.size());
    EXPECT_FALSE(writer.ok());
}

TEST(P9Wire, GiveBackAndPatchStayInsideWhatWasWritten) {
    std::vector<uint8_t> buffer(64);
    Writer writer(buffer.data(), buffer.size());
    writer.begin(MessageType::Rread, 1);
    writer.u32(0);
    ASSERT_NE(writer.reserve(10), nullptr);
    writer.give_back(6);
    writer.patch_u32(header_size, 4);
    EXPECT_EQ(writer.finish(), header_size + 4 + 4);
    EXPECT_EQ(buffer[header_size], 4);
    writer.give_back(1000);
    EXPECT_FALSE(writer.ok());
    Writer other(buffer.data(), buffer.size());
    other.begin(MessageType::Rread, 1);
    other.patch_u32(header_size, 1); // nothing written there yet
    EXPECT_FALSE(other.ok());
}

TEST(P9Wire, AttributesStatisticsAndRecordsRoundTrip) {
    std::vector<uint8_t> buffer(512);
    Writer writer(buffer.data(), buffer.size());
    writer.begin(MessageType::Rgetattr, 9);
    Attributes attributes;
    attributes.valid = getattr_basic;
    attributes.qid = {qid_directory, 7, 0x1122334455667788};
    attributes.mode = 040755;
    attributes.size = 1ull << 40;
    attributes.mtime_nanoseconds = 999999999;
    attributes.data_version = 42;
    write_attributes(writer, attributes);
    FileSystemStatistics statistics;
    statistics.blocks = 5;
    statistics.name_length = 255;
    write_statistics(writer, statistics);
    DirectoryRecord record{{0, 0, 9}, 77, 4, {reinterpret_cast<const uint8_t*>("dir"), 3}};
    write_directory_record(writer, record);
    size_t length = writer.finish();
    ASSERT_GT(length, header_size);

    Reader reader(buffer.data() + header_size, length - header_size);
    Attributes read = read_attributes(reader);
    EXPECT_EQ(read.qid.path, attributes.qid.path);
    EXPECT_EQ(read.qid.type, qid_directory);
    EXPECT_EQ(read.mode, 040755u);
    EXPECT_EQ(read.size, 1ull << 40);
    EXPECT_EQ(read.mtime_nanoseconds, 999999999u);
    EXPECT_EQ(read.data_version, 42u);
    FileSystemStatistics read_statistics_back = read_statistics(reader);
    EXPECT_EQ(read_statistics_back.blocks, 5u);
    EXPECT_EQ(read_statistics_back.name_length, 255u);
    DirectoryRecord read_record = read_directory_record(reader);
    EXPECT_EQ(read_record.offset, 77u);
    EXPECT_EQ(read_record.type, 4);
    EXPECT_EQ(
        std::string(reinterpret_cast<const char*>(read_record.name.data), read_record.name.length),
        "dir");
    EXPECT_TRUE(reader.finished());
}

TEST(P9Wire, EveryTruncationOfAnAttributeReplyFails) {
    std::vector<uint8_t> buffer(512);
    Writer writer(buffer.data(), buffer.size());
    writer.begin(MessageType::Rgetattr, 9);
    write_attributes(writer, Attributes{});
    size_t length = writer.finish();
    for (size_t cut = header_size; cut < length; ++cut) {
        std::vector<uint8_t> body(buffer.begin() + header_size, buffer.begin() + cut);
        Reader reader(body.data(), body.size());
        read_attributes(reader);
        EXPECT_FALSE(reader.ok()) << "cut at " << cut;
    }
}

TEST(P9Wire, NamesAreSingleComponents) {
    auto name = [](const char* text, size_t length) {
        return is_valid_name({reinterpret_cast<const uint8_t*>(text), length});
    };
    EXPECT_TRUE(name("file", 4));
    EXPECT_TRUE(name("...", 3));
    EXPECT_TRUE(name(".hidden", 7));
    EXPECT_FALSE(name("", 0));
    EXPECT_FALSE(name(".", 1));
    EXPECT_FALSE(name("..", 2));
    EXPECT_FALSE(name("a/b", 3));
    EXPECT_FALSE(name("a\0b", 3));
    std::string long_name(256, 'x');
    EXPECT_FALSE(name(long_name.data(), long_name.size()));
    EXPECT_TRUE(name(long_name.data(), 255));
}

} // namespace
