// The guest's console output on its way to the host: control characters escaped for a
// terminal (never for a pipe or a file), and the rate limit's arithmetic.
#include "support/console_output_guard.h"
#include "support/terminal_escaper.h"
#include "support/token_bucket.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string_view>

namespace ingot {
namespace {

using namespace std::chrono_literals;

std::span<const uint8_t> bytes_of(std::string_view text) {
    return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

std::string escaped(std::string_view text) {
    std::string out;
    TerminalEscaper().escape(bytes_of(text), out);
    return out;
}

TEST(TerminalEscaper, PlainTextAndLayoutPassUnchanged) {
    EXPECT_EQ(escaped("hello, world\n\tcol\r\bx"), "hello, world\n\tcol\r\bx");
    // UTF-8 text, including U+00A0..U+00BF (C2 A0..C2 BF), is not touched.
    EXPECT_EQ(escaped("gr\xc3\xbc\xc3\x9f \xc2\xa9 \xe2\x82\xac"),
              "gr\xc3\xbc\xc3\x9f \xc2\xa9 \xe2\x82\xac");
}

TEST(TerminalEscaper, ControlSequencesBecomeVisibleText) {
    // Clear the screen, set the title, OSC 52 (write the clipboard), a bell.
    EXPECT_EQ(escaped("\x1b[2J\x1b]0;owned\x07\x1b]52;c;aGk=\x07"),
              "^[[2J^[]0;owned^G^[]52;c;aGk=^G");
    EXPECT_EQ(escaped(std::string_view("\0\x01\x1f\x7f", 4)), "^@^A^_^?");
}

TEST(TerminalEscaper, C1ControlsInUtf8AreEscapedEvenAcrossWrites) {
    // U+009B is CSI for terminals that take C1 controls.
    EXPECT_EQ(escaped("a\xc2\x9b"
                      "2Jb"),
              "aM-^[2Jb");
    TerminalEscaper escaper;
    std::string first, second;
    escaper.escape(bytes_of("x\xc2"), first);
    escaper.escape(bytes_of("\x9b"
                            "2J"),
                   second);
    // The lead byte went out with the first write; the terminal sees an invalid sequence.
    EXPECT_EQ(first, "x\xc2");
    EXPECT_EQ(second, "M-^[2J");
}

TEST(ConsoleOutputGuard, PipesAndFilesGetTheBytesUnchanged) {
    ingot_test::RedirectedDescriptor out(STDOUT_FILENO);
    ConsoleOutputGuard guard(false);
    std::string binary;
    for (int i = 0; i < 256; ++i)
        binary += static_cast<char>(i);
    std::string scratch;
    std::span<const uint8_t> prepared = guard.prepare(STDOUT_FILENO, bytes_of(binary), scratch);
    EXPECT_EQ(prepared.data(), reinterpret_cast<const uint8_t*>(binary.data()));
    EXPECT_EQ(prepared.size(), 256u);
}

TEST(TokenBucket, TheBurstGoesAtOnceThenTheRateHolds) {
    auto start = TokenBucket::Clock::time_point{};
    TokenBucket bucket(1000, 4000, start); // 1000 bytes/s, 4000 at once
    EXPECT_EQ(bucket.take(4000, start), 0ns);
    // 500 more bytes at once: half a second of debt.
    EXPECT_EQ(bucket.take(500, start), 500ms);
    // After waiting that out, a second more of tokens pays for 1000 bytes.
    EXPECT_EQ(bucket.take(1000, start + 1500ms), 0ns);
    // A long pause refills no more than the burst.
    EXPECT_EQ(bucket.take(4000, start + 100s), 0ns);
    EXPECT_EQ(bucket.take(1, start + 100s), 1ms);
}

TEST(TokenBucket, OrdinaryOutputIsNeverHeldBack) {
    auto start = TokenBucket::Clock::time_point{};
    TokenBucket bucket(ConsoleOutputGuard::bytes_per_second, ConsoleOutputGuard::burst_bytes,
                       start);
    // A program writing a 1 MiB file to stdout, in console-sized pieces, all at once.
    for (int i = 0; i < 256; ++i)
        EXPECT_EQ(bucket.take(4096, start), 0ns);
}

} // namespace
} // namespace ingot
