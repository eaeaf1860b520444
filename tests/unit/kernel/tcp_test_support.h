// Helpers for the TCP tests: a clock the test advances, a seeded random source, an IpOutput and
// Ip6Output that records every segment, and segments built by hand to feed the layer one at a
// time.
#pragma once

#include <deque>
#include <random>

#include "kernel/kernel_test_support.h"

#include "net/ip6_output.h"
#include "net/ip_output.h"
#include "net/ipv6_header.h"
#include "net/tcp/tcp_checksum.h"
#include "net/tcp/tcp_header.h"
#include "net/tcp/tcp_layer.h"

namespace tcp_test {

using namespace kernel::net;
using namespace kernel::net::tcp;

constexpr uint64_t ms = 1'000'000;
constexpr uint64_t seconds = 1000 * ms;

// One clock and one random sequence for the process: Environment holds plain function pointers.
struct FakeWorld {
    static inline uint64_t now = 1'000 * seconds;
    static inline std::mt19937 random{12345};
    static uint64_t now_ns() { return now; }
    static void fill_random(void* data, size_t length) {
        auto* bytes = static_cast<uint8_t*>(data);
        for (size_t index = 0; index < length; ++index)
            bytes[index] = static_cast<uint8_t>(random());
    }
    static Environment environment() { return {&now_ns, &fill_random}; }
    static void reset(uint32_t seed) {
        now = 1'000 * seconds;
        random.seed(seed);
    }
};

// A segment as it left a layer: the whole TCP segment, checked and parsed on request.
struct Sent {
    IpAddress source;
    IpAddress destination;
    std::vector<uint8_t> bytes;
    bool offloaded = false;
    uint16_t segment_size = 0; // the device was asked to cut it (TSO)
    bool dont_fragment = false;

    TcpSegment segment() const {
        TcpSegment parsed;
        EXPECT_TRUE(parse_tcp_segment(bytes.data(), bytes.size(), parsed));
        return parsed;
    }
    const TcpHeader header() const { return segment().header; }
    std::string payload() const {
        TcpSegment parsed = segment();
        return std::string(reinterpret_cast<const char*>(parsed.payload), parsed.payload_length);
    }
    bool has(uint8_t flags) const { return (header().flags & flags) == flags; }
};

// Both families on one link: IPv4's address and IPv6's, one MTU (lowered for every
// destination by `path_mtu4`, which learn_path_mtu sets as the IPv4 layer would, and
// `path_mtu6`).
class RecordingIp : public IpOutput, public Ip6Output {
public:
    Ipv4Address address = Ipv4Address::from_octets(10, 0, 0, 1);
    Ipv6Address address6 = {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};
    size_t link = 1500;   // the link's MTU
    size_t path_mtu4 = 0; // 0: the link's
    size_t path_mtu6 = 0;
    bool offload = false;
    size_t segmentation_limit = 1500; // TSO when above `link`
    bool path_locked4 = false;        // a report below the floor arrived
    std::deque<Sent> sent;

    Ipv4Address local_address() const override { return address; }
    bool is_local(Ipv4Address candidate) const override {
        return candidate.is_loopback() || candidate == address;
    }
    size_t mtu() const override { return link; }
    PathMtu path_to(Ipv4Address) const override {
        return {path_mtu4 ? path_mtu4 : link, path_locked4};
    }
    void learn_path_mtu(Ipv4Address, size_t mtu) override {
        path_mtu4 = std::min(path_to(Ipv4Address{}).mtu, std::max(mtu, ipv4_minimum_path_mtu));
        path_locked4 = path_locked4 || mtu < ipv4_minimum_path_mtu;
    }
    bool offers_checksum_offload() const override { return offload; }
    size_t tcp_segmentation_limit() const override { return segmentation_limit; }
    kernel::ErrorOr<void> send(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                               const TransmitFragment* fragments, size_t count,
                               const TransportChecksum* checksum, bool dont_fragment) override {
        EXPECT_EQ(protocol, ip_protocol::tcp);
        record(source, destination, fragments, count, checksum).dont_fragment = dont_fragment;
        return {};
    }

    Ipv6Address source_for(const Ipv6Address& destination) const override {
        return destination.is_loopback() ? destination : address6;
    }
    size_t mtu_for(const Ipv6Address&) const override { return path_mtu6 ? path_mtu6 : link; }
    size_t link_mtu() const override { return link; }
    bool is_local(const Ipv6Address& candidate) const override {
        return candidate.is_loopback() || candidate == address6;
    }
    kernel::ErrorOr<void> send6(const Ipv6Address& source, const Ipv6Address& destination,
                                uint8_t next_header, const TransmitFragment* fragments,
                                size_t count, const TransportChecksum* checksum) override {
        EXPECT_EQ(next_header, ip_protocol::tcp);
        Sent& segment = record(source, destination, fragments, count, checksum);
        // IPv6 is never fragmented (RFC 8200 5): what the layer sends must fit the path.
        EXPECT_LE(ipv6_header_length + segment.bytes.size(), mtu_for(destination));
        return {};
    }

    Sent& record(const IpAddress& source, const IpAddress& destination,
                 const TransmitFragment* fragments, size_t count,
                 const TransportChecksum* checksum) {
        Sent segment{source, destination, {}, checksum != nullptr};
        segment.segment_size = checksum ? checksum->segment_size : 0;
        for (size_t index = 0; index < count; ++index) {
            auto* data = static_cast<const uint8_t*>(fragments[index].data);
            segment.bytes.insert(segment.bytes.end(), data, data + fragments[index].length);
        }
        if (!checksum) {
            EXPECT_TRUE(tcp_checksum_valid(source, destination, segment.bytes.data(),
                                           segment.bytes.size()));
        }
        sent.push_back(std::move(segment));
        return sent.back();
    }

    Sent take() {
        EXPECT_FALSE(sent.empty()) << "expected a segment";
        if (sent.empty())
            return {};
        Sent first = std::move(sent.front());
        sent.pop_front();
        return first;
    }
};

// A whole segment with a valid checksum.
inline std::vector<uint8_t> build_segment(const IpAddress& source, const IpAddress& destination,
                                          const TcpHeader& header,
                                          const std::string& payload = {}) {
    uint8_t bytes[tcp_maximum_header];
    size_t length = build_tcp_header(header, bytes);
    std::vector<uint8_t> segment(bytes, bytes + length);
    segment.insert(segment.end(), payload.begin(), payload.end());
    ChecksumAccumulator sum =
        tcp_checksum_start(source, destination, static_cast<uint16_t>(segment.size()));
    sum.add(segment.data(), segment.size());
    uint16_t checksum = sum.checksum();
    segment[16] = static_cast<uint8_t>(checksum >> 8);
    segment[17] = static_cast<uint8_t>(checksum);
    return segment;
}

inline std::string pattern(size_t length, size_t seed = 0) {
    std::string data(length, '\0');
    for (size_t index = 0; index < length; ++index)
        data[index] = static_cast<char>('a' + (index * 7 + seed + index / 251) % 26);
    return data;
}

} // namespace tcp_test
