#include "qemu/console_protocol.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ingot {
namespace {

std::vector<uint8_t> bytes(std::initializer_list<int> values) {
    std::vector<uint8_t> out;
    for (int value : values)
        out.push_back(static_cast<uint8_t>(value));
    return out;
}

std::vector<uint8_t> bytes(const std::string& text) {
    return {text.begin(), text.end()};
}

// Decodes `input` fed in pieces of `piece` bytes and collects both streams.
struct Decoded {
    std::string out;
    std::string err;
    std::optional<uint32_t> status;
};

Decoded decode(const std::vector<uint8_t>& input, size_t piece) {
    GuestStreamDecoder decoder;
    Decoded decoded;
    for (size_t i = 0; i < input.size(); i += piece) {
        size_t size = std::min(piece, input.size() - i);
        decoder.feed(std::span(input).subspan(i, size),
                     [&](GuestStream stream, std::span<const uint8_t> data) {
                         (stream == GuestStream::Stdout ? decoded.out : decoded.err)
                             .append(data.begin(), data.end());
                     });
    }
    decoded.status = decoder.exit_status();
    return decoded;
}

std::vector<uint8_t> concat(std::initializer_list<std::vector<uint8_t>> parts) {
    std::vector<uint8_t> out;
    for (const auto& part : parts)
        out.insert(out.end(), part.begin(), part.end());
    return out;
}

const std::vector<uint8_t> session = concat({
    bytes("plain start\n"),
    bytes({0xff, 'e'}),
    bytes("to stderr "),
    bytes({0xff, 0xff}),
    bytes(" literal\n"),
    bytes({0xff, 'o'}),
    bytes("back on stdout\n"),
    bytes({0xff, 'x', 0x86, 0x00, 0x00, 0x00}),
});

TEST(GuestStreamDecoder, OutputStartsOnStdoutAndSwitchesStreams) {
    Decoded decoded = decode(session, session.size());
    EXPECT_EQ(decoded.out, "plain start\nback on stdout\n");
    EXPECT_EQ(decoded.err, "to stderr \xff literal\n");
    EXPECT_EQ(decoded.status, 134u);
}

TEST(GuestStreamDecoder, EveryWayOfSplittingTheStreamDecodesTheSame) {
    Decoded whole = decode(session, session.size());
    for (size_t piece = 1; piece < session.size(); ++piece) {
        Decoded split = decode(session, piece);
        EXPECT_EQ(split.out, whole.out) << "pieces of " << piece;
        EXPECT_EQ(split.err, whole.err) << "pieces of " << piece;
        EXPECT_EQ(split.status, whole.status) << "pieces of " << piece;
    }
}

TEST(GuestStreamDecoder, ExitStatusIsLittleEndianAndFull32Bits) {
    Decoded decoded = decode(bytes({0xff, 'x', 0x01, 0x02, 0x03, 0x84}), 1);
    EXPECT_EQ(decoded.status, 0x84030201u);
}

TEST(GuestStreamDecoder, NoExitStatusUntilTheFrameIsComplete) {
    Decoded decoded = decode(bytes({'a', 0xff, 'x', 0x01, 0x02, 0x03}), 2);
    EXPECT_EQ(decoded.out, "a");
    EXPECT_FALSE(decoded.status);
}

TEST(GuestStreamDecoder, IgnoresEverythingAfterTheExitFrame) {
    Decoded decoded =
        decode(concat({bytes({0xff, 'x', 7, 0, 0, 0}), bytes("late"), bytes({0xff, 'q'})}), 3);
    EXPECT_EQ(decoded.out, "");
    EXPECT_EQ(decoded.status, 7u);
}

TEST(GuestStreamDecoder, UnknownEscapeIsAnError) {
    EXPECT_THROW(decode(bytes({'o', 'k', 0xff, 'z'}), 1), ConsoleProtocolError);
    EXPECT_THROW(decode(bytes({0xff, 0x00}), 2), ConsoleProtocolError);
    // Host-to-guest codes mean nothing in this direction.
    EXPECT_THROW(decode(bytes({0xff, 'd'}), 2), ConsoleProtocolError);
}

TEST(GuestStreamDecoder, GuestIsReadyForInputOnlyAfterItSaysSo) {
    GuestStreamDecoder decoder;
    auto ignore = [](GuestStream, std::span<const uint8_t>) {};
    decoder.feed(bytes({'h', 'i', 0xff}), ignore);
    EXPECT_FALSE(decoder.guest_ready());
    decoder.feed(bytes({'r', 'x'}), ignore);
    EXPECT_TRUE(decoder.guest_ready());
}

TEST(GuestStreamDecoder, OutputBeforeAnUnknownEscapeIsStillDelivered) {
    GuestStreamDecoder decoder;
    std::string out;
    auto input = bytes({'o', 'k', 0xff, 'z', 'n', 'o'});
    EXPECT_THROW(decoder.feed(input,
                              [&](GuestStream, std::span<const uint8_t> data) {
                                  out.append(data.begin(), data.end());
                              }),
                 ConsoleProtocolError);
    EXPECT_EQ(out, "ok");
}

TEST(HostStreamEncoder, EscapesTheEscapeByte) {
    std::vector<uint8_t> out;
    append_input(out, bytes({'a', 0xff, 'b', 0xff, 0xff}));
    EXPECT_EQ(out, bytes({'a', 0xff, 0xff, 'b', 0xff, 0xff, 0xff, 0xff}));
}

TEST(HostStreamEncoder, EndOfInputAndSignals) {
    std::vector<uint8_t> out;
    append_input(out, bytes("x"));
    append_host_signal(out, 15);
    append_end_of_input(out);
    EXPECT_EQ(out, bytes({'x', 0xff, 's', 15, 0xff, 'd'}));
}

} // namespace
} // namespace ingot
