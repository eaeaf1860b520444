// The kernel's hvt network driver against the monitor's own ring code, through the real
// hypercall handler, over one buffer standing in for guest RAM; a SOCK_SEQPACKET socket pair
// stands in for the tap. What one side writes the other must read, one exit per batch.
#include "vmm/hypercalls.h"
#include "vmm/net_device.h"

#include <cstdlib>
#include <poll.h>
#include <random>
#include <sys/socket.h>
#include <unistd.h>

#include "kernel/kernel_test_support.h"

#include "platform/hvt/hvt_net_device.h"

namespace {

constexpr uint64_t memory_size = 4 << 20;
constexpr uint64_t args_address = 0x1000;
constexpr uint64_t rings_address = 0x10000;
constexpr size_t header_size = sizeof(ingot::abi::VirtioNetHeader);

// The hypercalls as the kernel makes them: an argument block in guest memory, its address
// stored to the call's slot.
class HandlerLink final : public kernel::hvt::MonitorLink {
public:
    HandlerLink(ingot::GuestMemory& memory, ingot::HypercallHandler& handler)
        : m_memory(memory), m_handler(handler) {}
    int64_t set_up(const ingot::abi::NetSetupArgs& arguments) override {
        return call(ingot::abi::Hypercall::NetSetup, arguments).result;
    }
    int64_t kick() override {
        ++kicks;
        return call(ingot::abi::Hypercall::NetKick, ingot::abi::NetKickArgs{}).result;
    }
    int kicks = 0;

private:
    template <typename Args> Args call(ingot::abi::Hypercall number, const Args& arguments) {
        m_memory.write(args_address, arguments);
        m_handler.handle(ingot::abi::hypercall_offset(number), args_address);
        return *m_memory.read<Args>(args_address);
    }
    ingot::GuestMemory& m_memory;
    ingot::HypercallHandler& m_handler;
};

struct Received {
    std::vector<uint8_t> frame;
    bool verified;
};

class Collector final : public kernel::net::FrameReceiver {
public:
    void receive_frame(const uint8_t* frame, size_t length, bool checksum_verified) override {
        frames.push_back({std::vector<uint8_t>(frame, frame + length), checksum_verified});
    }
    std::vector<Received> frames;
};

std::vector<uint8_t> frame_of(size_t length, uint8_t fill) {
    std::vector<uint8_t> frame(length, fill);
    for (size_t i = 0; i < 6 && i < length; ++i)
        frame[i] = 0xff;
    return frame;
}

class HvtNetRingsTest : public ::testing::Test {
protected:
    static constexpr uint32_t transmit_slots = 8;
    static constexpr uint32_t receive_slots = 4;

    // `coalescing`: the host end is a tap that segments (counting how often it is told to
    // coalesce); else a socket pair as libslirp's. Rings of `slots` slots each way.
    explicit HvtNetRingsTest(bool coalescing = false, uint32_t transmit_count = transmit_slots,
                             uint32_t receive_count = receive_slots)
        : memory(memory_size), handler(memory), link(memory, handler) {
        int pair[2];
        if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
            throw std::runtime_error("socketpair");
        tap = pair[0];
        peer = pair[1];
        ingot::NetworkAttachment attachment;
        attachment.tap_fd = tap;
        attachment.guest.mac = {2, 0, 0, 0, 0, 9};
        if (coalescing)
            attachment.enable_coalescing = [this] {
                ++coalescing_enabled;
                return true;
            };
        monitor = std::make_unique<ingot::NetDevice>(memory, attachment);
        handler.attach_network(monitor.get());
        ingot::abi::NetworkInfo info = monitor->network_info();
        driver = std::make_unique<kernel::hvt::HvtNetDevice>(
            link, info, memory.host_base() + rings_address, rings_address, transmit_count,
            receive_count);
    }
    ~HvtNetRingsTest() override {
        ::close(tap);
        ::close(peer);
    }

    std::optional<std::vector<uint8_t>> sent() {
        pollfd ready{peer, POLLIN, 0};
        if (::poll(&ready, 1, 100) != 1)
            return std::nullopt;
        std::vector<uint8_t> bytes(header_size + ingot::abi::net_max_frame_length);
        ssize_t n = ::recv(peer, bytes.data(), bytes.size(), 0);
        if (n < 0)
            return std::nullopt;
        bytes.resize(static_cast<size_t>(n));
        return bytes;
    }

    void deliver(const std::vector<uint8_t>& frame, uint8_t flags = 0,
                 uint8_t gso_type = ingot::abi::virtio_net_gso_none) {
        ingot::abi::VirtioNetHeader header{};
        header.flags = flags;
        header.gso_type = gso_type;
        std::vector<uint8_t> bytes(header_size);
        std::memcpy(bytes.data(), &header, header_size);
        bytes.insert(bytes.end(), frame.begin(), frame.end());
        ASSERT_EQ(::send(peer, bytes.data(), bytes.size(), 0), ssize_t(bytes.size()));
    }

    bool transmit(const std::vector<uint8_t>& head, const std::vector<uint8_t>& payload,
                  const kernel::net::ChecksumRequest* checksum = nullptr) {
        kernel::net::TransmitFragment fragments[] = {{head.data(), head.size()},
                                                     {payload.data(), payload.size()}};
        return driver->transmit(fragments, 2, checksum);
    }

    ingot::GuestMemory memory;
    ingot::HypercallHandler handler;
    HandlerLink link;
    int tap = -1;
    int peer = -1;
    int coalescing_enabled = 0;
    std::unique_ptr<ingot::NetDevice> monitor;
    std::unique_ptr<kernel::hvt::HvtNetDevice> driver;
};

TEST_F(HvtNetRingsTest, TheDriverDescribesTheMonitorsDevice) {
    ASSERT_OK(driver->start());
    EXPECT_TRUE(monitor->is_set_up());
    EXPECT_EQ(driver->mac_address(), (kernel::net::MacAddress{{2, 0, 0, 0, 0, 9}}));
    EXPECT_EQ(driver->mtu(), 1500u);
    EXPECT_TRUE(driver->offers_checksum_offload());
    EXPECT_FALSE(driver->has_received());
    EXPECT_GE(kernel::hvt::HvtNetDevice::memory_size(transmit_slots, receive_slots),
              sizeof(ingot::abi::NetRingIndexes) +
                  (transmit_slots + receive_slots) * sizeof(ingot::abi::NetSlot));
}

TEST_F(HvtNetRingsTest, OverASocketPairNothingSpansSlots) {
    ASSERT_OK(driver->start());
    EXPECT_EQ(driver->tcp_segmentation_limit(kernel::net::IpVersion::v4), driver->mtu());
    EXPECT_EQ(driver->tcp_segmentation_limit(kernel::net::IpVersion::v6), driver->mtu());
    EXPECT_FALSE(driver->takes_coalesced_frames());
    EXPECT_FALSE(monitor->coalesces());
}

TEST_F(HvtNetRingsTest, StartTwiceIsRefused) {
    ASSERT_OK(driver->start());
    EXPECT_ERRNO(driver->start(), EIO);
}

TEST_F(HvtNetRingsTest, AMonitorWithoutNetworkRefusesTheRings) {
    handler.attach_network(nullptr);
    EXPECT_ERRNO(driver->start(), ENODEV);
}

TEST_F(HvtNetRingsTest, ABatchIsOneKick) {
    ASSERT_OK(driver->start());
    std::vector<uint8_t> head = frame_of(34, 0xee);
    kernel::net::ChecksumRequest checksum{34, 6};
    for (uint8_t i = 0; i < transmit_slots; ++i)
        ASSERT_TRUE(transmit(head, std::vector<uint8_t>(20 + i, i), i % 2 ? &checksum : nullptr));
    EXPECT_EQ(link.kicks, 0); // queuing costs no exit
    EXPECT_TRUE(driver->is_transmitting());
    driver->flush();
    EXPECT_EQ(link.kicks, 1);
    EXPECT_FALSE(driver->is_transmitting())
        << "the monitor sends a kick's frames before it returns";
    for (uint8_t i = 0; i < transmit_slots; ++i) {
        auto bytes = sent();
        ASSERT_TRUE(bytes) << int(i);
        ASSERT_EQ(bytes->size(), header_size + 34 + 20 + i);
        ingot::abi::VirtioNetHeader header;
        std::memcpy(&header, bytes->data(), header_size);
        EXPECT_EQ(header.flags, i % 2 ? ingot::abi::virtio_net_needs_checksum : 0);
        if (i % 2) {
            EXPECT_EQ(header.checksum_start, 34);
            EXPECT_EQ(header.checksum_offset, 6);
        }
        EXPECT_EQ((*bytes)[header_size + 33], 0xee);
        EXPECT_EQ((*bytes)[header_size + 34], i);
        EXPECT_EQ(bytes->back(), i);
    }
    driver->flush(); // nothing new: no exit
    EXPECT_EQ(link.kicks, 1);
    EXPECT_EQ(monitor->statistics().transmitted_frames, transmit_slots);
    EXPECT_EQ(handler.count(ingot::abi::Hypercall::NetKick), 1u);
}

TEST_F(HvtNetRingsTest, AFullTransmitRingAsksForAFlush) {
    ASSERT_OK(driver->start());
    std::vector<uint8_t> head = frame_of(14, 1);
    for (uint32_t i = 0; i < transmit_slots; ++i)
        ASSERT_TRUE(transmit(head, frame_of(46, 2)));
    EXPECT_FALSE(transmit(head, frame_of(46, 3)));
    driver->flush();
    EXPECT_TRUE(transmit(head, frame_of(46, 4)));
    driver->flush();
    for (uint32_t i = 0; i <= transmit_slots; ++i)
        ASSERT_TRUE(sent());
    EXPECT_FALSE(sent());
}

TEST_F(HvtNetRingsTest, AFrameLargerThanASlotIsDroppedNotRetried) {
    ASSERT_OK(driver->start());
    EXPECT_TRUE(transmit(frame_of(14, 1), frame_of(ingot::abi::net_frame_capacity, 2)));
    EXPECT_EQ(driver->dropped_frames(), 1u);
    driver->flush();
    EXPECT_EQ(link.kicks, 0);
    EXPECT_FALSE(sent());
}

TEST_F(HvtNetRingsTest, ReceiveKicksOnlyWhenDryAndNotRefilled) {
    ASSERT_OK(driver->start());
    for (uint8_t i = 0; i < 3; ++i)
        deliver(frame_of(60, i));
    EXPECT_FALSE(driver->has_received()); // the monitor has not moved them in yet
    Collector collector;
    EXPECT_EQ(driver->receive(collector, 2), 2u);
    EXPECT_EQ(link.kicks, 1); // the ring was dry
    EXPECT_TRUE(driver->has_received());
    EXPECT_EQ(driver->receive(collector, 8), 1u);
    EXPECT_EQ(link.kicks, 2); // dry again: one look at the host, which had nothing
    ASSERT_EQ(collector.frames.size(), 3u);
    for (uint8_t i = 0; i < 3; ++i)
        EXPECT_EQ(collector.frames[i].frame, frame_of(60, i));
    // After an idle Poll refilled the ring, a dry ring costs no exit.
    driver->note_refilled();
    EXPECT_EQ(driver->receive(collector, 8), 0u);
    EXPECT_EQ(link.kicks, 2);
    // A flush refills too.
    deliver(frame_of(60, 7));
    ASSERT_TRUE(transmit(frame_of(14, 1), frame_of(46, 2)));
    driver->flush();
    EXPECT_TRUE(driver->has_received());
    EXPECT_EQ(driver->receive(collector, 8), 1u);
    EXPECT_EQ(link.kicks, 3);
}

TEST_F(HvtNetRingsTest, MoreFramesThanTheRingHoldsAllArrive) {
    ASSERT_OK(driver->start());
    for (uint8_t i = 0; i < 3 * receive_slots + 1; ++i)
        deliver(frame_of(64 + i, i));
    Collector collector;
    EXPECT_EQ(driver->receive(collector, 100), 3 * receive_slots + 1);
    ASSERT_EQ(collector.frames.size(), 3 * receive_slots + 1);
    for (uint8_t i = 0; i < 3 * receive_slots + 1; ++i)
        EXPECT_EQ(collector.frames[i].frame, frame_of(64 + i, i));
    EXPECT_EQ(monitor->statistics().received_frames, 3 * receive_slots + 1);
}

TEST_F(HvtNetRingsTest, ChecksumVerifiedFollowsTheHostsHeader) {
    ASSERT_OK(driver->start());
    deliver(frame_of(60, 1), ingot::abi::virtio_net_data_valid);
    deliver(frame_of(60, 2), 0);
    deliver(frame_of(60, 3), ingot::abi::virtio_net_needs_checksum);
    Collector collector;
    EXPECT_EQ(driver->receive(collector, 3), 3u);
    ASSERT_EQ(collector.frames.size(), 3u);
    EXPECT_TRUE(collector.frames[0].verified);
    EXPECT_FALSE(collector.frames[1].verified);
    EXPECT_TRUE(collector.frames[2].verified);
}

// Ethernet, IPv4 (or IPv6) and a TCP header with 12 bytes of options, then `payload` bytes
// counting up: a segment as the stack hands one over to cut.
std::vector<uint8_t> tcp_segment(size_t payload, bool ipv6 = false) {
    size_t ip = ipv6 ? 40 : 20;
    std::vector<uint8_t> frame(14 + ip + 32 + payload);
    frame[12] = ipv6 ? 0x86 : 0x08;
    frame[13] = ipv6 ? 0xdd : 0x00;
    frame[14] = ipv6 ? 0x60 : 0x45;
    frame[14 + ip + 12] = 8 << 4; // data offset: 32 bytes
    for (size_t i = 0; i < payload; ++i)
        frame[14 + ip + 32 + i] = static_cast<uint8_t>(i * 7);
    return frame;
}

class HvtNetSegmentationTest : public HvtNetRingsTest {
protected:
    static constexpr uint32_t slots = 128;
    HvtNetSegmentationTest() : HvtNetRingsTest(true, slots, slots) {}

    bool transmit_whole(const std::vector<uint8_t>& frame,
                        const kernel::net::ChecksumRequest& request) {
        kernel::net::TransmitFragment fragments[] = {{frame.data(), 100},
                                                     {frame.data() + 100, frame.size() - 100}};
        return driver->transmit(fragments, 2, &request);
    }
};

TEST_F(HvtNetSegmentationTest, ATapsDeviceCutsAndCoalescesSegments) {
    ASSERT_OK(driver->start());
    EXPECT_EQ(driver->tcp_segmentation_limit(kernel::net::IpVersion::v4), 65535u);
    EXPECT_EQ(driver->tcp_segmentation_limit(kernel::net::IpVersion::v6), 65535u);
    EXPECT_TRUE(driver->takes_coalesced_frames());
    EXPECT_TRUE(monitor->coalesces());
    EXPECT_EQ(coalescing_enabled, 1);
}

TEST_F(HvtNetSegmentationTest, ASegmentSpansSlotsAndReachesTheHostWhole) {
    ASSERT_OK(driver->start());
    for (bool ipv6 : {false, true}) {
        std::vector<uint8_t> frame = tcp_segment(ipv6 ? 65535 - 40 - 32 : 65535 - 20 - 32, ipv6);
        uint16_t start = ipv6 ? 54 : 34;
        kernel::net::ChecksumRequest request{
            start, 16, 1428, ipv6 ? kernel::net::IpVersion::v6 : kernel::net::IpVersion::v4};
        ASSERT_TRUE(transmit_whole(frame, request));
        driver->flush();
        auto bytes = sent();
        ASSERT_TRUE(bytes);
        ingot::abi::VirtioNetHeader header;
        std::memcpy(&header, bytes->data(), header_size);
        EXPECT_EQ(header.flags, ingot::abi::virtio_net_needs_checksum);
        EXPECT_EQ(header.gso_type,
                  ipv6 ? ingot::abi::virtio_net_gso_tcpv6 : ingot::abi::virtio_net_gso_tcpv4);
        EXPECT_EQ(header.gso_size, 1428);
        EXPECT_EQ(header.header_length, start + 32);
        EXPECT_EQ(header.checksum_start, start);
        EXPECT_EQ(header.checksum_offset, 16);
        EXPECT_EQ(std::vector<uint8_t>(bytes->begin() + header_size, bytes->end()), frame);
    }
    EXPECT_EQ(monitor->statistics().transmitted_segments, 2u);
    EXPECT_EQ(monitor->statistics().transmit_drops, 0u);
    EXPECT_EQ(link.kicks, 2);
}

TEST_F(HvtNetSegmentationTest, SegmentsWaitForRoomInTheRing) {
    ASSERT_OK(driver->start());
    std::vector<uint8_t> frame = tcp_segment(60000);
    kernel::net::ChecksumRequest request{34, 16, 1448};
    int queued = 0;
    while (transmit_whole(frame, request))
        ++queued;
    uint32_t per_frame =
        (frame.size() + ingot::abi::net_frame_capacity - 1) / ingot::abi::net_frame_capacity;
    EXPECT_EQ(queued, int(slots / per_frame));
    driver->flush();
    // Read before more is sent: the socket pair, unlike a tap, has a send buffer to fill.
    for (int i = 0; i < queued; ++i) {
        auto bytes = sent();
        ASSERT_TRUE(bytes) << i;
        EXPECT_EQ(std::vector<uint8_t>(bytes->begin() + header_size, bytes->end()), frame);
    }
    EXPECT_TRUE(transmit_whole(frame, request));
    driver->flush();
    EXPECT_TRUE(sent());
}

TEST_F(HvtNetSegmentationTest, WhatTheHostEndCannotCutIsDropped) {
    ASSERT_OK(driver->start());
    // Longer than the longest datagram, TCP headers cut short, and a long frame with no
    // segmentation asked for.
    std::vector<uint8_t> huge = tcp_segment(65535);
    EXPECT_TRUE(transmit_whole(huge, {34, 16, 1448}));
    std::vector<uint8_t> headless = tcp_segment(1000);
    headless[34 + 12] = 2 << 4;
    EXPECT_TRUE(transmit_whole(headless, {34, 16, 500}));
    EXPECT_TRUE(transmit_whole(tcp_segment(3000), {34, 16}));
    EXPECT_EQ(driver->dropped_frames(), 3u);
    driver->flush();
    EXPECT_FALSE(sent());
}

TEST_F(HvtNetSegmentationTest, CoalescedFramesArriveWholeAcrossTheRingsEnd) {
    ASSERT_OK(driver->start());
    // Each long one takes 30 of the 128 slots, a short one follows it: the fifth wraps around
    // the ring's end. Two pairs at a time, the most the socket pair's buffer holds.
    Collector collector;
    std::vector<std::vector<uint8_t>> frames;
    for (int batch = 0; batch < 3; ++batch) {
        for (int i = 2 * batch; i < 2 * batch + 2; ++i) {
            frames.push_back(tcp_segment(60000 - i));
            frames.back()[60] = static_cast<uint8_t>(i);
            deliver(frames.back(), ingot::abi::virtio_net_needs_checksum,
                    ingot::abi::virtio_net_gso_tcpv4);
            deliver(frame_of(60, static_cast<uint8_t>(i)));
        }
        EXPECT_EQ(driver->receive(collector, 100), 4u);
    }
    ASSERT_EQ(collector.frames.size(), 12u);
    for (int i = 0; i < 6; ++i) {
        EXPECT_EQ(collector.frames[2 * i].frame, frames[i]) << i;
        EXPECT_TRUE(collector.frames[2 * i].verified);
        EXPECT_EQ(collector.frames[2 * i + 1].frame, frame_of(60, static_cast<uint8_t>(i)));
    }
    EXPECT_EQ(monitor->statistics().received_coalesced, 6u);
    EXPECT_EQ(driver->malformed_frames(), 0u);
}

TEST_F(HvtNetSegmentationTest, ASpanTheMonitorCannotHaveWrittenIsNotFollowed) {
    ASSERT_OK(driver->start());
    deliver(frame_of(60, 1));
    deliver(frame_of(60, 2));
    Collector collector;
    ASSERT_TRUE(transmit(frame_of(14, 1), frame_of(46, 2)));
    driver->flush(); // the monitor moves both in
    // The first claims to span more slots than are published: taken as one slot, dropped.
    auto* receive = reinterpret_cast<ingot::abi::NetSlot*>(
        memory.host_base() + rings_address + 2048 + slots * sizeof(ingot::abi::NetSlot));
    receive[0].header.buffer_count = 5;
    EXPECT_EQ(driver->receive(collector, 100), 1u);
    ASSERT_EQ(collector.frames.size(), 1u);
    EXPECT_EQ(collector.frames[0].frame, frame_of(60, 2));
    EXPECT_EQ(driver->malformed_frames(), 1u);
}

class HvtNetSmallRingsTest : public HvtNetRingsTest {
protected:
    HvtNetSmallRingsTest() : HvtNetRingsTest(true, 16, 16) {}
};

TEST_F(HvtNetSmallRingsTest, RingsTooSmallForTwoLongFramesKeepToTheMtu) {
    ASSERT_OK(driver->start());
    EXPECT_EQ(driver->tcp_segmentation_limit(kernel::net::IpVersion::v4), driver->mtu());
    EXPECT_FALSE(driver->takes_coalesced_frames());
    EXPECT_FALSE(monitor->coalesces());
    EXPECT_EQ(coalescing_enabled, 0) << "a guest that does not ask is not given coalesced frames";
}

// The driver trusts the monitor, but a frame it gathers never overruns its buffer, whatever
// spans and lengths the ring holds: random receive slots, published by hand.
TEST(HvtNetDriverRandomRing, SpansNeverOverrunTheGatheringBuffer) {
    class InertLink final : public kernel::hvt::MonitorLink {
    public:
        int64_t set_up(const ingot::abi::NetSetupArgs&) override { return 0; }
        int64_t kick() override { return 0; }
    } link;
    constexpr uint32_t slots = 128;
    size_t size = kernel::hvt::HvtNetDevice::memory_size(slots, slots);
    std::unique_ptr<uint8_t, decltype(&std::free)> area(
        static_cast<uint8_t*>(std::aligned_alloc(4096, (size + 4095) / 4096 * 4096)), &std::free);
    std::memset(area.get(), 0, size);
    ingot::abi::NetworkInfo info{};
    info.flags = ingot::abi::network_flag_segmentation;
    kernel::hvt::HvtNetDevice driver(link, info, area.get(), 0x10000, slots, slots);
    ASSERT_OK(driver.start());
    ASSERT_TRUE(driver.takes_coalesced_frames());
    auto& indexes = *reinterpret_cast<ingot::abi::NetRingIndexes*>(area.get());
    auto* receive = reinterpret_cast<ingot::abi::NetSlot*>(area.get() + 2048 +
                                                           slots * sizeof(ingot::abi::NetSlot));
    std::mt19937 random(5);
    Collector collector;
    for (int round = 0; round < 2000; ++round) {
        uint32_t consumer = indexes.receive_consumer;
        uint32_t published = random() % (slots + 1);
        for (uint32_t i = 0; i < published; ++i) {
            ingot::abi::NetSlot& slot = receive[(consumer + i) % slots];
            slot.length =
                random() % 2 ? ingot::abi::net_frame_capacity : static_cast<uint32_t>(random());
            slot.header = {};
            slot.header.buffer_count = static_cast<uint16_t>(random() % 40);
            slot.header.gso_type = static_cast<uint8_t>(random() % 2 ? random() % 5 : random());
            slot.header.flags = static_cast<uint8_t>(random() % 4);
        }
        indexes.receive_producer = consumer + published;
        driver.receive(collector, 1000);
        EXPECT_EQ(indexes.receive_consumer, consumer + published) << "round " << round;
        for (const Received& frame : collector.frames)
            EXPECT_LE(frame.frame.size(), ingot::abi::net_max_frame_length);
        collector.frames.clear();
    }
    EXPECT_GT(driver.malformed_frames(), 0u);
}

} // namespace
