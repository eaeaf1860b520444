#include "instance/log_file.h"
#include "temporary_directory.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

using namespace ingot;

namespace {

constexpr int64_t some_time = 1'700'000'000'123'456'789;

std::vector<std::string> texts(const std::vector<LogRecord>& records) {
    std::vector<std::string> result;
    for (const auto& record : records)
        result.push_back(record.text);
    return result;
}

} // namespace

TEST(LogRecord, FormatsAndParsesAsPodmansK8sFile) {
    LogRecord record{"2023-11-14T22:13:20.123456789Z", LogStream::err, false,
                     "a line  with spaces"};
    std::string line = format_log_record(record);
    EXPECT_EQ(line, "2023-11-14T22:13:20.123456789Z stderr F a line  with spaces\n");
    auto parsed = parse_log_record(std::string_view(line).substr(0, line.size() - 1));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->time, record.time);
    EXPECT_EQ(parsed->stream, LogStream::err);
    EXPECT_FALSE(parsed->partial);
    EXPECT_EQ(parsed->text, record.text);
    EXPECT_FALSE(parse_log_record("garbage"));
    EXPECT_FALSE(parse_log_record("t stdin F x"));
    EXPECT_FALSE(parse_log_record("t stdout X x"));
}

TEST(LogWriter, WritesWholeLinesAndSplitsLongOnes) {
    ingot_test::TemporaryDirectory directory;
    std::string path = directory.path() + "/log";
    {
        LogWriter writer(path, LogWriter::default_limit);
        writer.write(LogStream::out, "one\ntw", some_time);
        writer.write(LogStream::err, "err\n", some_time);
        writer.write(LogStream::out, "o\nthree", some_time);
        writer.write(LogStream::out, std::string(LogWriter::longest_record + 10, 'x') + "\n",
                     some_time);
        writer.finish(LogStream::out, some_time);
    }
    LogReader reader(path);
    auto records = reader.read_new();
    ASSERT_EQ(records.size(), 5u); // finish() had nothing left to write
    EXPECT_EQ(texts(records)[0], "one");
    EXPECT_EQ(records[1].stream, LogStream::err);
    EXPECT_EQ(texts(records)[2], "two");
    // "three" had no end yet when the long line came: the long line continues it.
    EXPECT_TRUE(records[3].partial);
    EXPECT_EQ(records[3].text.size(), LogWriter::longest_record);
    EXPECT_FALSE(records[4].partial);
    EXPECT_EQ(records[3].text + records[4].text,
              "three" + std::string(LogWriter::longest_record + 10, 'x'));
    EXPECT_EQ(records[0].time, "2023-11-14T22:13:20.123456789Z");
}

TEST(LogWriter, RotationKeepsAtMostTwiceTheLimit) {
    ingot_test::TemporaryDirectory directory;
    std::string path = directory.path() + "/log";
    constexpr uint64_t limit = 1000;
    LogWriter writer(path, limit);
    for (int i = 0; i < 500; ++i)
        writer.write(LogStream::out, "line " + std::to_string(i) + "\n", some_time);
    EXPECT_LE(std::filesystem::file_size(path), limit);
    EXPECT_LE(std::filesystem::file_size(path + ".1"), limit);
    EXPECT_FALSE(std::filesystem::exists(path + ".2"));
    // The newest lines, in order, ending with the last one written.
    auto records = LogReader(path).read_new();
    ASSERT_GT(records.size(), 20u);
    for (size_t i = 1; i < records.size(); ++i)
        EXPECT_EQ(std::stoi(records[i].text.substr(5)),
                  std::stoi(records[i - 1].text.substr(5)) + 1);
    EXPECT_EQ(records.back().text, "line 499");
}

TEST(LogReader, FollowsAcrossRotationWithoutLosingALine) {
    ingot_test::TemporaryDirectory directory;
    std::string path = directory.path() + "/log";
    LogWriter writer(path, 300);
    LogReader reader(path);
    std::vector<std::string> seen = texts(reader.read_new());
    EXPECT_TRUE(seen.empty());
    int written = 0;
    for (int round = 0; round < 30; ++round) {
        // Fewer lines a round than one file holds: the reader sees every rotation's remains.
        for (int i = 0; i < 3; ++i)
            writer.write(LogStream::out, "line " + std::to_string(written++) + "\n", some_time);
        for (auto& text : texts(reader.read_new()))
            seen.push_back(text);
    }
    ASSERT_EQ(seen.size(), static_cast<size_t>(written));
    for (int i = 0; i < written; ++i)
        EXPECT_EQ(seen[static_cast<size_t>(i)], "line " + std::to_string(i));
}
