#include "kernel/kernel_test_support.h"

#include "platform/pvh/console_framing.h"

namespace {

using Bytes = std::vector<uint8_t>;
using kernel::pvh::ByteRing;
using kernel::pvh::ConsoleDecoder;
using kernel::pvh::ConsoleEncoder;
using Stream = ingot::abi::ConsoleStream;

Bytes bytes_of(const std::string& text) {
    return Bytes(text.begin(), text.end());
}

// What the encoder hands to the serial port.
struct RecordingSink {
    kernel::ErrorOr<void> operator()(const uint8_t* data, size_t length) {
        if (fail)
            return kernel::ETIMEDOUT;
        output.insert(output.end(), data, data + length);
        return {};
    }
    Bytes output;
    bool fail = false;
};

void write(ConsoleEncoder& encoder, Stream stream, const Bytes& data, RecordingSink& sink) {
    ASSERT_OK(encoder.write(stream, data.data(), data.size(), sink));
}

// The host's side of the guest-to-host direction, written from the ABI's comment.
struct HostView {
    Bytes out, err;
    bool exited = false;
    uint32_t status = 0;
};

HostView host_decode(const Bytes& framed) {
    HostView view;
    Bytes* current = &view.out;
    for (size_t i = 0; i < framed.size(); ++i) {
        EXPECT_FALSE(view.exited) << "bytes after the exit status";
        if (framed[i] != 0xff) {
            current->push_back(framed[i]);
            continue;
        }
        EXPECT_LT(i + 1, framed.size()) << "dangling escape";
        if (i + 1 >= framed.size())
            break;
        uint8_t command = framed[++i];
        if (command == 0xff)
            current->push_back(0xff);
        else if (command == 'o')
            current = &view.out;
        else if (command == 'e')
            current = &view.err;
        else if (command == 'x' && i + 4 < framed.size()) {
            std::memcpy(&view.status, &framed[i + 1], 4);
            view.exited = true;
            i += 4;
        } else
            ADD_FAILURE() << "unexpected sequence 0xff " << int(command);
    }
    return view;
}

TEST(ConsoleEncoder, SwitchesStreamsOnlyWhenTheyChange) {
    ConsoleEncoder encoder(true);
    RecordingSink sink;
    write(encoder, Stream::Stdout, bytes_of("a"), sink); // the host starts on stdout
    write(encoder, Stream::Stderr, bytes_of("b"), sink);
    write(encoder, Stream::Stderr, bytes_of("c"), sink);
    write(encoder, Stream::KernelLog, bytes_of("k"), sink); // the log shares stderr
    write(encoder, Stream::Stdout, bytes_of(""), sink);     // nothing to say: no switch
    write(encoder, Stream::Stdout, bytes_of("d"), sink);
    EXPECT_EQ(sink.output, (Bytes{'a', 0xff, 'e', 'b', 'c', 'k', 0xff, 'o', 'd'}));
}

TEST(ConsoleEncoder, DoublesEveryEscapeByte) {
    ConsoleEncoder encoder(true);
    RecordingSink sink;
    write(encoder, Stream::Stdout, Bytes{0xff}, sink);
    write(encoder, Stream::Stdout, Bytes{'a', 0xff, 0xff, 'b', 0xff}, sink);
    EXPECT_EQ(sink.output, (Bytes{0xff, 0xff, 'a', 0xff, 0xff, 0xff, 0xff, 'b', 0xff, 0xff}));
}

TEST(ConsoleEncoder, ExitStatusIsLittleEndianAndLast) {
    ConsoleEncoder encoder(true);
    RecordingSink sink;
    write(encoder, Stream::Stderr, bytes_of("bye"), sink);
    ASSERT_OK(encoder.write_exit_status(0x01020384, sink));
    EXPECT_EQ(sink.output, (Bytes{0xff, 'e', 'b', 'y', 'e', 0xff, 'x', 0x84, 0x03, 0x02, 0x01}));
    RecordingSink negative;
    ASSERT_OK(encoder.write_exit_status(-2, negative));
    EXPECT_EQ(negative.output, (Bytes{0xff, 'x', 0xfe, 0xff, 0xff, 0xff}));
}

TEST(ConsoleEncoder, RawPassesBytesThroughAndSendsNoStatus) {
    ConsoleEncoder encoder(false);
    RecordingSink sink;
    write(encoder, Stream::Stdout, Bytes{'a', 0xff}, sink);
    write(encoder, Stream::Stderr, Bytes{'b', 0xff, 'x'}, sink);
    ASSERT_OK(encoder.write_exit_status(3, sink));
    EXPECT_EQ(sink.output, (Bytes{'a', 0xff, 'b', 0xff, 'x'}));
}

TEST(ConsoleEncoder, ReportsTheSinksError) {
    ConsoleEncoder encoder(true);
    RecordingSink sink;
    sink.fail = true;
    Bytes data{'a', 0xff, 'b'};
    EXPECT_ERRNO(encoder.write(Stream::Stdout, data.data(), data.size(), sink), ETIMEDOUT);
    EXPECT_ERRNO(encoder.write_exit_status(0, sink), ETIMEDOUT);
}

// Whatever the data and however it is cut into writes, the host reads back each stream.
TEST(ConsoleEncoder, RoundTripsThroughTheHostAtEveryCut) {
    Bytes out{'o', 0xff, 'x', 0xff, 0xff, 'e', 0};
    Bytes err{0xff, 'd', 's', 2};
    for (size_t cut = 0; cut <= out.size(); ++cut) {
        ConsoleEncoder encoder(true);
        RecordingSink sink;
        write(encoder, Stream::Stdout, Bytes(out.begin(), out.begin() + long(cut)), sink);
        write(encoder, Stream::Stderr, err, sink);
        write(encoder, Stream::Stdout, Bytes(out.begin() + long(cut), out.end()), sink);
        ASSERT_OK(encoder.write_exit_status(42, sink));
        HostView view = host_decode(sink.output);
        EXPECT_EQ(view.out, out) << cut;
        EXPECT_EQ(view.err, err) << cut;
        EXPECT_TRUE(view.exited);
        EXPECT_EQ(view.status, 42u);
    }
}

class ConsoleDecoderTest : public ::testing::Test {
protected:
    explicit ConsoleDecoderTest(size_t capacity = 64)
        : storage(capacity), ring(storage.data(), capacity) {}

    // Feeds everything (the test's chunks fit); fails the test if the decoder leaves some.
    void feed(ConsoleDecoder& decoder, const Bytes& chunk) {
        EXPECT_EQ(decoder.feed(chunk.data(), chunk.size()), chunk.size());
    }
    Bytes take(size_t most = SIZE_MAX) {
        Bytes bytes(std::min(most, ring.size()));
        bytes.resize(ring.pop(bytes.data(), bytes.size()));
        return bytes;
    }

    Bytes storage;
    ByteRing ring;
};

// The host's side of the host-to-guest direction: data with every special byte, end of input,
// two signals.
const Bytes host_stream{'a', 0xff, 0xff, 'd', 's', 0xff, 's', 2,    'b', 0xff, 's',
                        15,  0xff, 0xff, 0,   'x', 0xff, 'd', 0xff, 's', 1};
const Bytes host_stdin{'a', 0xff, 'd', 's', 'b', 0xff, 0, 'x'};
constexpr uint64_t host_signals = (1u << 1) | (1u << 14) | (1u << 0);

TEST_F(ConsoleDecoderTest, DecodesWholeStream) {
    ConsoleDecoder decoder(true, ring);
    feed(decoder, host_stream);
    EXPECT_EQ(take(), host_stdin);
    EXPECT_TRUE(decoder.end_of_input());
    EXPECT_EQ(decoder.take_signals(), host_signals);
    EXPECT_EQ(decoder.take_signals(), 0u); // taken once
    EXPECT_EQ(decoder.unknown_sequences(), 0u);
}

TEST_F(ConsoleDecoderTest, DecodesTheSameWhereverChunksSplit) {
    for (size_t first = 0; first <= host_stream.size(); ++first) {
        for (size_t second = first; second <= host_stream.size(); ++second) {
            ConsoleDecoder decoder(true, ring);
            feed(decoder, Bytes(host_stream.begin(), host_stream.begin() + long(first)));
            feed(decoder,
                 Bytes(host_stream.begin() + long(first), host_stream.begin() + long(second)));
            feed(decoder, Bytes(host_stream.begin() + long(second), host_stream.end()));
            EXPECT_EQ(take(), host_stdin) << first << ' ' << second;
            EXPECT_TRUE(decoder.end_of_input());
            EXPECT_EQ(decoder.take_signals(), host_signals);
        }
    }
}

TEST_F(ConsoleDecoderTest, EndOfInputComesAfterTheDataBeforeIt) {
    ConsoleDecoder decoder(true, ring);
    feed(decoder, bytes_of("last"));
    EXPECT_FALSE(decoder.end_of_input());
    feed(decoder, Bytes{0xff});
    EXPECT_FALSE(decoder.end_of_input()); // only half a sequence so far
    feed(decoder, Bytes{'d'});
    EXPECT_TRUE(decoder.end_of_input());
    EXPECT_EQ(take(), bytes_of("last"));
}

TEST_F(ConsoleDecoderTest, SkipsUnknownSequencesAndImpossibleSignals) {
    ConsoleDecoder decoder(true, ring);
    feed(decoder, Bytes{'a', 0xff, 'q', 'b', 0xff, 'o', 0xff, 's', 0, 0xff, 's', 65, 'c'});
    EXPECT_EQ(take(), bytes_of("abc"));
    EXPECT_EQ(decoder.unknown_sequences(), 4u);
    EXPECT_EQ(decoder.take_signals(), 0u);
    EXPECT_FALSE(decoder.end_of_input());
    feed(decoder, Bytes{0xff, 's', 64});
    EXPECT_EQ(decoder.take_signals(), 1ull << 63);
}

TEST_F(ConsoleDecoderTest, RawPassesEveryByteThrough) {
    ConsoleDecoder decoder(false, ring);
    feed(decoder, Bytes{'a', 0xff, 'd', 0xff, 's', 2, 0xff, 0xff});
    EXPECT_EQ(take(), (Bytes{'a', 0xff, 'd', 0xff, 's', 2, 0xff, 0xff}));
    EXPECT_FALSE(decoder.end_of_input());
    EXPECT_EQ(decoder.take_signals(), 0u);
}

class SmallRingDecoderTest : public ConsoleDecoderTest {
protected:
    SmallRingDecoderTest() : ConsoleDecoderTest(4) {}
};

TEST_F(SmallRingDecoderTest, StopsConsumingWhenTheRingIsFull) {
    ConsoleDecoder decoder(true, ring);
    Bytes input = bytes_of("abcdef");
    EXPECT_EQ(decoder.feed(input.data(), input.size()), 4u);
    EXPECT_EQ(decoder.room(), 0u);
    EXPECT_EQ(take(2), bytes_of("ab"));
    EXPECT_EQ(decoder.room(), 2u);
    EXPECT_EQ(decoder.feed(input.data() + 4, 2), 2u);
    EXPECT_EQ(take(), bytes_of("cdef"));
}

// A doubled escape meeting a full ring: the first half is consumed, the second waits.
TEST_F(SmallRingDecoderTest, KeepsAHalfSequenceAcrossAFullRing) {
    ConsoleDecoder decoder(true, ring);
    Bytes input{'a', 'b', 'c', 'd', 0xff, 0xff, 'e'};
    EXPECT_EQ(decoder.feed(input.data(), input.size()), 5u);
    EXPECT_EQ(take(1), bytes_of("a"));
    EXPECT_EQ(decoder.feed(input.data() + 5, 2), 1u);
    EXPECT_EQ(take(), (Bytes{'b', 'c', 'd', 0xff}));
    EXPECT_EQ(decoder.feed(input.data() + 6, 1), 1u);
    EXPECT_EQ(take(), bytes_of("e"));
}

// Sequences that yield no data are consumed even when the ring is full, so end of input and
// signals are never held up by a reader that does not read.
TEST_F(SmallRingDecoderTest, TakesEndOfInputAndSignalsWhenFull) {
    ConsoleDecoder decoder(true, ring);
    Bytes input{'a', 'b', 'c', 'd', 0xff, 's', 2, 0xff, 'd'};
    EXPECT_EQ(decoder.feed(input.data(), input.size()), input.size());
    EXPECT_TRUE(decoder.end_of_input());
    EXPECT_EQ(decoder.take_signals(), 2u);
}

// The caller's loop in the kernel: take from the UART no more than room(), hand it all over,
// let the reader drain at its own pace. Nothing is lost, whatever the pace.
TEST_F(SmallRingDecoderTest, FeedingAtMostRoomNeverLosesData) {
    Bytes stdin_data;
    Bytes stream;
    for (int i = 0; i < 300; ++i) {
        auto byte = static_cast<uint8_t>(i * 37 % 256);
        stdin_data.push_back(byte);
        stream.push_back(byte);
        if (byte == 0xff)
            stream.push_back(0xff);
        if (i % 50 == 0)
            stream.insert(stream.end(), {0xff, 's', 15});
    }
    stream.insert(stream.end(), {0xff, 'd'});
    ConsoleDecoder decoder(true, ring);
    Bytes received;
    size_t position = 0;
    for (int step = 0; position < stream.size() || !ring.is_empty(); ++step) {
        ASSERT_LT(step, 10000);
        size_t chunk = std::min(decoder.room(), stream.size() - position);
        ASSERT_EQ(decoder.feed(stream.data() + position, chunk), chunk);
        position += chunk;
        Bytes taken = take(1 + step % 3);
        received.insert(received.end(), taken.begin(), taken.end());
    }
    EXPECT_EQ(received, stdin_data);
    EXPECT_TRUE(decoder.end_of_input());
    EXPECT_EQ(decoder.take_signals(), 1u << 14);
}

} // namespace
