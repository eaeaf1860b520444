// The monitor's side of the network rings, with a SOCK_SEQPACKET socket pair standing in for
// the tap (it keeps frame boundaries as a tap does): the guest's values are hostile.
#include "vmm/hypercalls.h"
#include "vmm/net_device.h"

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>
#include <tuple>
#include <vector>

namespace ingot {
namespace {

constexpr uint64_t memory_size = 4 << 20;
constexpr uint64_t args_address = 0x1000;
constexpr uint64_t indexes_address = 0x2000;
constexpr uint64_t transmit_address = 0x10000;
constexpr uint64_t receive_address = 0x20000;
constexpr uint32_t transmit_count = 8;
constexpr uint32_t receive_count = 4;
constexpr size_t header_size = sizeof(abi::VirtioNetHeader);

std::vector<uint8_t> frame_of(size_t length, uint8_t fill) {
    std::vector<uint8_t> frame(length, fill);
    for (size_t i = 0; i < length && i < 6; ++i)
        frame[i] = 0xff; // broadcast destination
    return frame;
}

class NetDeviceTest : public ::testing::Test {
protected:
    NetDeviceTest() : memory(memory_size) {
        int pair[2];
        if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
            throw std::runtime_error("socketpair");
        tap = pair[0];
        peer = pair[1];
        NetworkAttachment attachment;
        attachment.tap_fd = tap;
        attachment.guest.mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
        attachment.guest.address = 0x0a00020f;
        attachment.guest.prefix_length = 24;
        attachment.guest.gateway = 0x0a000201;
        attachment.guest.address6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x15};
        attachment.guest.prefix_length6 = 64;
        attachment.guest.gateway6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        device = std::make_unique<NetDevice>(memory, attachment);
    }
    ~NetDeviceTest() override {
        device.reset();
        ::close(tap);
        if (peer >= 0)
            ::close(peer);
    }

    abi::NetSetupArgs setup_args() const {
        abi::NetSetupArgs arguments{};
        arguments.indexes = indexes_address;
        arguments.transmit_slots = transmit_address;
        arguments.receive_slots = receive_address;
        arguments.transmit_slot_count = transmit_count;
        arguments.receive_slot_count = receive_count;
        return arguments;
    }
    void set_up() { ASSERT_EQ(device->set_up(setup_args()), 0); }

    abi::NetRingIndexes& indexes() {
        return *reinterpret_cast<abi::NetRingIndexes*>(memory.host_base() + indexes_address);
    }
    abi::NetSlot& transmit_slot(uint32_t index) {
        return reinterpret_cast<abi::NetSlot*>(memory.host_base() +
                                               transmit_address)[index % transmit_count];
    }
    abi::NetSlot& receive_slot(uint32_t index) {
        return reinterpret_cast<abi::NetSlot*>(memory.host_base() +
                                               receive_address)[index % receive_count];
    }

    // What a guest driver does: fill the next transmit slot and publish it.
    void queue(const std::vector<uint8_t>& frame, abi::VirtioNetHeader header = {}) {
        abi::NetSlot& slot = transmit_slot(indexes().transmit_producer);
        slot.header = header;
        slot.length = static_cast<uint32_t>(frame.size());
        std::copy(frame.begin(), frame.end(), slot.frame);
        ++indexes().transmit_producer;
    }

    // One datagram the monitor sent, or nothing within a moment.
    std::optional<std::vector<uint8_t>> sent() {
        pollfd ready{peer, POLLIN, 0};
        if (::poll(&ready, 1, 100) != 1)
            return std::nullopt;
        std::vector<uint8_t> bytes(header_size + abi::net_max_frame_length);
        ssize_t n = ::recv(peer, bytes.data(), bytes.size(), 0);
        if (n < 0)
            return std::nullopt;
        bytes.resize(static_cast<size_t>(n));
        return bytes;
    }

    void deliver(const std::vector<uint8_t>& frame, uint8_t flags = 0) {
        abi::VirtioNetHeader header{};
        header.flags = flags;
        std::vector<uint8_t> bytes(header_size);
        std::memcpy(bytes.data(), &header, header_size);
        bytes.insert(bytes.end(), frame.begin(), frame.end());
        ASSERT_EQ(::send(peer, bytes.data(), bytes.size(), 0), ssize_t(bytes.size()));
    }

    GuestMemory memory;
    int tap = -1;
    int peer = -1;
    std::unique_ptr<NetDevice> device;
};

TEST_F(NetDeviceTest, NetworkInfoCarriesTheGuestSettings) {
    abi::NetworkInfo info = device->network_info();
    EXPECT_EQ(info.mac[0], 0x52);
    EXPECT_EQ(info.mac[5], 0x56);
    EXPECT_EQ(info.address, 0x0a00020fu);
    EXPECT_EQ(info.prefix_length, 24);
    EXPECT_EQ(info.gateway, 0x0a000201u);
    EXPECT_EQ(info.dns, 0u);
    EXPECT_EQ(info.flags, 0);
    EXPECT_EQ(info.mtu, 1500u); // no tap name to ask: Ethernet's
    EXPECT_EQ(info.address6[0], 0x20);
    EXPECT_EQ(info.address6[15], 0x15);
    EXPECT_EQ(info.prefix_length6, 64);
    EXPECT_EQ(info.gateway6[1], 0x01);
    EXPECT_EQ(info.gateway6[15], 0x01);
}

TEST_F(NetDeviceTest, SetUpRefusesAreasOutsideRam) {
    for (uint64_t address : {memory_size, memory_size - 64, abi::hypercall_window_physical,
                             UINT64_MAX - 63, uint64_t(1) << 63}) {
        auto arguments = setup_args();
        arguments.indexes = address;
        EXPECT_THROW(device->set_up(arguments), GuestFault) << std::hex << address;
        arguments = setup_args();
        arguments.transmit_slots = address;
        EXPECT_THROW(device->set_up(arguments), GuestFault) << std::hex << address;
        arguments = setup_args();
        arguments.receive_slots = address;
        EXPECT_THROW(device->set_up(arguments), GuestFault) << std::hex << address;
    }
    // A ring that starts in RAM but runs past its end.
    auto arguments = setup_args();
    arguments.receive_slots = memory_size - 2 * abi::net_slot_size;
    EXPECT_THROW(device->set_up(arguments), GuestFault);
    EXPECT_FALSE(device->is_set_up());
}

TEST_F(NetDeviceTest, SetUpRefusesBadCountsAlignmentAndOverlap) {
    for (uint32_t count : {0u, 3u, 6u, abi::net_max_slots * 2, 0x80000000u, 0xffffffffu}) {
        auto arguments = setup_args();
        arguments.transmit_slot_count = count;
        EXPECT_THROW(device->set_up(arguments), GuestFault) << count;
        arguments = setup_args();
        arguments.receive_slot_count = count;
        EXPECT_THROW(device->set_up(arguments), GuestFault) << count;
    }
    auto arguments = setup_args();
    arguments.indexes += 4;
    EXPECT_THROW(device->set_up(arguments), GuestFault);
    arguments = setup_args();
    arguments.transmit_slots += 8;
    EXPECT_THROW(device->set_up(arguments), GuestFault);
    arguments = setup_args();
    arguments.receive_slots = transmit_address + abi::net_slot_size; // inside the transmit ring
    EXPECT_THROW(device->set_up(arguments), GuestFault);
    arguments = setup_args();
    arguments.indexes = receive_address + 3 * abi::net_slot_size; // inside the receive ring
    EXPECT_THROW(device->set_up(arguments), GuestFault);
    EXPECT_FALSE(device->is_set_up());
    // Adjacent areas are fine.
    arguments = setup_args();
    arguments.receive_slots = transmit_address + transmit_count * abi::net_slot_size;
    EXPECT_EQ(device->set_up(arguments), 0);
}

TEST_F(NetDeviceTest, SecondSetUpIsRefusedWithoutChangingTheRings) {
    set_up();
    auto arguments = setup_args();
    arguments.transmit_slots = 0x100000;
    EXPECT_EQ(device->set_up(arguments), -EBUSY);
    queue(frame_of(60, 1));
    device->kick();
    EXPECT_TRUE(sent().has_value()); // still served from the first rings
}

TEST_F(NetDeviceTest, KickSendsTheWholeBatchAndStripsOffloadsNotOffered) {
    set_up();
    abi::VirtioNetHeader checksum{};
    checksum.flags = abi::virtio_net_needs_checksum | 0x80;
    checksum.gso_type = 4; // TCPv6 segmentation: not offered
    checksum.gso_size = 1400;
    checksum.header_length = 54;
    checksum.checksum_start = 34;
    checksum.checksum_offset = 16;
    checksum.buffer_count = 7;
    queue(frame_of(60, 1), checksum);
    queue(frame_of(1514, 2));
    queue(frame_of(abi::net_frame_capacity, 3));
    device->kick();

    auto first = sent();
    ASSERT_TRUE(first);
    ASSERT_EQ(first->size(), header_size + 60);
    abi::VirtioNetHeader header;
    std::memcpy(&header, first->data(), header_size);
    EXPECT_EQ(header.flags, abi::virtio_net_needs_checksum);
    EXPECT_EQ(header.gso_type, abi::virtio_net_gso_none);
    EXPECT_EQ(header.gso_size, 0);
    EXPECT_EQ(header.header_length, 0);
    EXPECT_EQ(header.checksum_start, 34);
    EXPECT_EQ(header.checksum_offset, 16);
    EXPECT_EQ((*first)[header_size + 6], 1);

    auto second = sent();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->size(), header_size + 1514);
    std::memcpy(&header, second->data(), header_size);
    EXPECT_EQ(header.flags, 0);
    auto third = sent();
    ASSERT_TRUE(third);
    EXPECT_EQ(third->size(), header_size + abi::net_frame_capacity);
    EXPECT_FALSE(sent());

    EXPECT_EQ(indexes().transmit_consumer, 3u);
    const auto& statistics = device->statistics();
    EXPECT_EQ(statistics.kicks, 1u);
    EXPECT_EQ(statistics.transmitted_frames, 3u);
    EXPECT_EQ(statistics.transmitted_bytes, 60u + 1514u + abi::net_frame_capacity);
    EXPECT_EQ(statistics.transmit_drops, 0u);
}

TEST_F(NetDeviceTest, SlotsWrapAroundTheRing) {
    set_up();
    // Fill and drain the ring three times over: slot indexes wrap modulo the count.
    for (int round = 0; round < 3; ++round) {
        for (uint32_t i = 0; i < transmit_count; ++i)
            queue(frame_of(64, static_cast<uint8_t>(round * 16 + i)));
        device->kick();
        for (uint32_t i = 0; i < transmit_count; ++i) {
            auto frame = sent();
            ASSERT_TRUE(frame);
            EXPECT_EQ((*frame)[header_size + 6], round * 16 + i);
        }
    }
    EXPECT_EQ(indexes().transmit_consumer, 3 * transmit_count);
}

TEST_F(NetDeviceTest, ProducerMoreThanARingAheadStopsTheVm) {
    set_up();
    indexes().transmit_producer = transmit_count + 1;
    EXPECT_THROW(device->kick(), GuestFault);
    indexes().transmit_producer = UINT32_MAX; // "behind" the consumer
    EXPECT_THROW(device->kick(), GuestFault);
    EXPECT_FALSE(sent());
}

TEST_F(NetDeviceTest, ExactlyAFullRingIsAccepted) {
    set_up();
    for (uint32_t i = 0; i < transmit_count; ++i)
        queue(frame_of(64, static_cast<uint8_t>(i)));
    device->kick();
    EXPECT_EQ(device->statistics().transmitted_frames, transmit_count);
}

TEST_F(NetDeviceTest, LengthBeyondTheSlotStopsTheVm) {
    set_up();
    queue(frame_of(64, 1));
    abi::NetSlot& slot = transmit_slot(indexes().transmit_producer);
    slot.length = abi::net_frame_capacity + 1;
    ++indexes().transmit_producer;
    EXPECT_THROW(device->kick(), GuestFault);
    transmit_slot(1).length = UINT32_MAX;
    EXPECT_THROW(device->kick(), GuestFault);
}

TEST_F(NetDeviceTest, WrongFramesAreDroppedAndCounted) {
    set_up();
    queue(frame_of(0, 0));
    queue(frame_of(13, 1)); // shorter than an Ethernet header
    abi::VirtioNetHeader outside{};
    outside.flags = abi::virtio_net_needs_checksum;
    outside.checksum_start = 50;
    outside.checksum_offset = 9; // 50 + 9 + 2 > 60
    queue(frame_of(60, 2), outside);
    outside.checksum_start = 0xffff;
    outside.checksum_offset = 0xffff;
    queue(frame_of(60, 3), outside);
    queue(frame_of(60, 4)); // a good one after them
    device->kick();
    auto frame = sent();
    ASSERT_TRUE(frame);
    EXPECT_EQ((*frame)[header_size + 6], 4);
    EXPECT_FALSE(sent());
    EXPECT_EQ(device->statistics().transmit_drops, 4u);
    EXPECT_EQ(device->statistics().transmitted_frames, 1u);
    EXPECT_EQ(indexes().transmit_consumer, 5u);
}

TEST_F(NetDeviceTest, ScribbledMonitorCountersDoNotMislead) {
    set_up();
    queue(frame_of(60, 1));
    indexes().transmit_consumer = 1000; // the guest writes the monitor's counter
    indexes().receive_producer = 77;
    device->kick();
    EXPECT_TRUE(sent());
    EXPECT_EQ(indexes().transmit_consumer, 1u);
    EXPECT_EQ(indexes().receive_producer, 0u);
}

TEST_F(NetDeviceTest, RefillFillsFreeSlotsAndLeavesTheRestQueued) {
    set_up();
    for (uint8_t i = 0; i < 6; ++i)
        deliver(frame_of(60 + i, i), i == 0 ? abi::virtio_net_data_valid : 0);
    EXPECT_TRUE(device->refill());
    EXPECT_EQ(indexes().receive_producer, receive_count);
    for (uint32_t i = 0; i < receive_count; ++i) {
        EXPECT_EQ(receive_slot(i).length, 60 + i);
        EXPECT_EQ(receive_slot(i).frame[6], i);
    }
    EXPECT_EQ(receive_slot(0).header.flags, abi::virtio_net_data_valid);
    EXPECT_EQ(receive_slot(1).header.flags, 0);
    // The guest takes two; the next refill puts the two still queued in their slots.
    indexes().receive_consumer = 2;
    EXPECT_TRUE(device->refill());
    EXPECT_EQ(indexes().receive_producer, receive_count + 2);
    EXPECT_EQ(receive_slot(4).frame[6], 4);
    EXPECT_EQ(receive_slot(5).length, 65u);
    EXPECT_EQ(receive_slot(2).frame[6], 2); // not yet consumed: untouched
    indexes().receive_consumer = receive_count + 2;
    EXPECT_FALSE(device->refill()); // all taken, nothing new
    const auto& statistics = device->statistics();
    EXPECT_EQ(statistics.received_frames, 6u);
    EXPECT_EQ(statistics.received_bytes, 6u * 60 + 15);
}

TEST_F(NetDeviceTest, ConsumerOutsideTheRingStopsTheVm) {
    set_up();
    deliver(frame_of(60, 1));
    EXPECT_TRUE(device->refill());
    indexes().receive_consumer = 2; // ahead of the producer (1)
    EXPECT_THROW(device->refill(), GuestFault);
    indexes().receive_consumer = 1u - receive_count - 1; // more than a ring behind
    EXPECT_THROW(device->refill(), GuestFault);
    indexes().receive_consumer = 1u - receive_count; // a full ring behind: fine
    EXPECT_TRUE(device->refill());
}

TEST_F(NetDeviceTest, RuntsAndOversizedReceivedFramesAreDropped) {
    set_up();
    deliver(frame_of(10, 1));
    deliver(frame_of(abi::net_frame_capacity + 1, 2));
    deliver(frame_of(9000, 3));
    ASSERT_EQ(::send(peer, "abc", 3, 0), 3); // shorter than the header
    deliver(frame_of(abi::net_frame_capacity, 4));
    EXPECT_TRUE(device->refill());
    EXPECT_EQ(indexes().receive_producer, 1u);
    EXPECT_EQ(receive_slot(0).length, abi::net_frame_capacity);
    EXPECT_EQ(receive_slot(0).frame[6], 4);
    EXPECT_EQ(device->statistics().receive_drops, 4u);
    // The overflowing frames were not written past their slot.
    EXPECT_EQ(receive_slot(1).length, 0u);
    EXPECT_EQ(receive_slot(1).frame[0], 0);
}

TEST_F(NetDeviceTest, AHostSideThatHangsUpIsGivenUp) {
    set_up();
    ::close(peer);
    peer = -1;
    testing::internal::CaptureStderr();
    EXPECT_FALSE(device->host_ready(POLLHUP));
    std::string message = testing::internal::GetCapturedStderr();
    EXPECT_NE(message.find("network's host side failed"), std::string::npos);
    EXPECT_EQ(device->host_fd(), -1);
    queue(frame_of(60, 1));
    device->kick(); // still consumed, dropped
    EXPECT_EQ(device->statistics().transmit_drops, 1u);
    EXPECT_EQ(indexes().transmit_consumer, 1u);
}

// The host end is a tap: it segments, and coalesces when told to (here: as `agree` says).
class NetSegmentingDeviceTest : public NetDeviceTest {
protected:
    static constexpr uint32_t long_ring = 64;

    NetSegmentingDeviceTest() {
        NetworkAttachment attachment;
        attachment.tap_fd = tap;
        attachment.enable_coalescing = [this] {
            ++coalescing_asked;
            return agree;
        };
        device = std::make_unique<NetDevice>(memory, attachment);
    }

    // `frame` poured across slots from the producer on, `header` in the first, which claims
    // `claimed` slots (0: as many as it takes).
    void queue_span(const std::vector<uint8_t>& frame, abi::VirtioNetHeader header,
                    uint16_t claimed = 0) {
        uint32_t taken = 0;
        for (size_t at = 0; at < frame.size(); at += abi::net_frame_capacity, ++taken) {
            abi::NetSlot& slot = transmit_slot(indexes().transmit_producer + taken);
            size_t piece = std::min<size_t>(frame.size() - at, abi::net_frame_capacity);
            slot.header = {};
            slot.length = static_cast<uint32_t>(piece);
            std::copy(frame.begin() + at, frame.begin() + at + piece, slot.frame);
        }
        header.buffer_count = claimed ? claimed : static_cast<uint16_t>(taken);
        transmit_slot(indexes().transmit_producer).header = header;
        indexes().transmit_producer += taken;
    }

    abi::VirtioNetHeader segment_header(uint8_t type = abi::virtio_net_gso_tcpv4) const {
        abi::VirtioNetHeader header{};
        header.flags = abi::virtio_net_needs_checksum;
        header.gso_type = type;
        header.gso_size = 1448;
        header.header_length = 66;
        header.checksum_start = 34;
        header.checksum_offset = 16;
        return header;
    }

    int coalescing_asked = 0;
    bool agree = true;
};

TEST_F(NetSegmentingDeviceTest, OnlyATapsDeviceOffersSegmentation) {
    EXPECT_EQ(device->network_info().flags & abi::network_flag_segmentation,
              abi::network_flag_segmentation);
    NetworkAttachment pair;
    pair.tap_fd = tap;
    EXPECT_EQ(NetDevice(memory, pair).network_info().flags & abi::network_flag_segmentation, 0);
}

TEST_F(NetSegmentingDeviceTest, ASegmentSpanningSlotsGoesOutWhole) {
    set_up();
    std::vector<uint8_t> frame = frame_of(3 * abi::net_frame_capacity - 100, 5);
    for (size_t i = 0; i < frame.size(); ++i)
        frame[i] = static_cast<uint8_t>(i * 13);
    queue_span(frame, segment_header());
    queue(frame_of(60, 6)); // a plain frame after it
    device->kick();
    auto bytes = sent();
    ASSERT_TRUE(bytes);
    abi::VirtioNetHeader header;
    std::memcpy(&header, bytes->data(), header_size);
    EXPECT_EQ(header.gso_type, abi::virtio_net_gso_tcpv4);
    EXPECT_EQ(header.gso_size, 1448);
    EXPECT_EQ(header.header_length, 66);
    EXPECT_EQ(header.flags, abi::virtio_net_needs_checksum);
    EXPECT_EQ(header.buffer_count, 0) << "the tap is not told the span";
    EXPECT_EQ(std::vector<uint8_t>(bytes->begin() + header_size, bytes->end()), frame);
    auto plain = sent();
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->size(), header_size + 60);
    EXPECT_EQ(indexes().transmit_consumer, 4u);
    EXPECT_EQ(device->statistics().transmitted_segments, 1u);
    EXPECT_EQ(device->statistics().transmitted_frames, 2u);
}

TEST_F(NetSegmentingDeviceTest, SegmentsTheHostCouldNotCutAreDropped) {
    set_up();
    std::vector<uint8_t> frame = frame_of(3000, 1);
    abi::VirtioNetHeader no_checksum = segment_header();
    no_checksum.flags = 0;
    queue_span(frame, no_checksum);
    queue_span(frame, segment_header(3)); // UDP fragmentation offload: not offered
    queue_span(frame, segment_header(abi::virtio_net_gso_tcpv4 | 0x80)); // ECN: not offered
    device->kick();
    abi::VirtioNetHeader no_size = segment_header();
    no_size.gso_size = 0;
    queue_span(frame, no_size);
    abi::VirtioNetHeader headers_outside = segment_header();
    headers_outside.header_length = 3000;
    queue_span(frame, headers_outside);
    device->kick();
    queue_span(frame, {}); // a plain frame longer than a slot
    queue(frame_of(60, 9));
    device->kick();
    auto good = sent();
    ASSERT_TRUE(good);
    EXPECT_EQ((*good)[header_size + 6], 9);
    EXPECT_FALSE(sent());
    EXPECT_EQ(device->statistics().transmit_drops, 6u);
    EXPECT_EQ(indexes().transmit_consumer, 6u * 2 + 1);
}

TEST_F(NetSegmentingDeviceTest, ASpanBeyondWhatIsPublishedStopsTheVm) {
    set_up();
    queue_span(frame_of(3000, 1), segment_header(), 3); // two slots published, three claimed
    EXPECT_THROW(device->kick(), GuestFault);
    indexes().transmit_producer = 0;
    queue_span(frame_of(3000, 1), segment_header(), abi::net_max_frame_slots + 1);
    EXPECT_THROW(device->kick(), GuestFault);
    EXPECT_FALSE(sent());
}

TEST_F(NetSegmentingDeviceTest, TheTapCoalescesOnlyForAGuestThatAsksWithRoom) {
    auto arguments = setup_args();
    arguments.receive_slot_count = long_ring;
    set_up(); // does not ask
    EXPECT_FALSE(device->coalesces());
    EXPECT_EQ(coalescing_asked, 0);

    for (auto [slots, agreed, expected] :
         {std::tuple{receive_count, true, false}, std::tuple{long_ring, false, false},
          std::tuple{long_ring, true, true}}) {
        NetworkAttachment attachment;
        attachment.tap_fd = tap;
        attachment.enable_coalescing = [&, agreed = agreed] {
            ++coalescing_asked;
            return agreed;
        };
        device = std::make_unique<NetDevice>(memory, attachment);
        indexes().guest_features = abi::net_guest_coalesced_receive;
        arguments.receive_slot_count = slots;
        ASSERT_EQ(device->set_up(arguments), 0);
        EXPECT_EQ(device->coalesces(), expected) << slots << " slots";
    }
    EXPECT_EQ(coalescing_asked, 2) << "not for a ring too small for the longest frame";
}

TEST_F(NetSegmentingDeviceTest, ACoalescedFrameSpansSlotsAndWaitsForRoom) {
    auto arguments = setup_args();
    arguments.receive_slot_count = long_ring;
    indexes().guest_features = abi::net_guest_coalesced_receive;
    ASSERT_EQ(device->set_up(arguments), 0);
    auto slot = [&](uint32_t index) -> abi::NetSlot& {
        return reinterpret_cast<abi::NetSlot*>(memory.host_base() +
                                               receive_address)[index % long_ring];
    };
    std::vector<uint8_t> frame = frame_of(2 * abi::net_frame_capacity + 500, 7);
    deliver(frame, abi::virtio_net_needs_checksum);
    deliver(frame_of(60, 8));
    EXPECT_TRUE(device->refill());
    EXPECT_EQ(indexes().receive_producer, 4u);
    EXPECT_EQ(slot(0).header.buffer_count, 3);
    EXPECT_EQ(slot(0).length, abi::net_frame_capacity);
    EXPECT_EQ(slot(1).length, abi::net_frame_capacity);
    EXPECT_EQ(slot(2).length, 500u);
    EXPECT_EQ(slot(2).frame[499], 7);
    EXPECT_EQ(slot(3).header.buffer_count, 1);
    EXPECT_EQ(slot(3).frame[6], 8);
    // With fewer free slots than the longest frame takes, the next waits in the host.
    deliver(frame_of(60, 9));
    indexes().receive_consumer = 4u + (abi::net_max_frame_slots - 1) - long_ring;
    EXPECT_TRUE(device->refill());
    EXPECT_EQ(indexes().receive_producer, 4u);
    indexes().receive_consumer = 4u + abi::net_max_frame_slots - long_ring;
    EXPECT_TRUE(device->refill());
    EXPECT_EQ(indexes().receive_producer, 5u);
    EXPECT_EQ(slot(4).frame[6], 9);
    EXPECT_EQ(device->statistics().received_coalesced, 1u);
}

// A hostile guest's rings, at random: every kick either sends and drops within the rules or
// stops the VM, never reading outside the rings (ASan watches) or running ahead of the guest.
TEST_F(NetSegmentingDeviceTest, RandomRingsNeverLeadOutsideThem) {
    std::mt19937 random(12);
    int faults = 0;
    uint64_t sent_frames = 0, dropped_frames = 0;
    // A VM the monitor stopped ends: the next round is a new one.
    auto boot = [&] {
        if (device) {
            sent_frames += device->statistics().transmitted_frames;
            dropped_frames += device->statistics().transmit_drops;
        }
        std::memset(&indexes(), 0, sizeof(abi::NetRingIndexes));
        NetworkAttachment attachment;
        attachment.tap_fd = tap;
        attachment.enable_coalescing = [] { return true; };
        device = std::make_unique<NetDevice>(memory, attachment);
        set_up();
    };
    boot();
    for (int round = 0; round < 3000; ++round) {
        uint32_t consumer = indexes().transmit_consumer;
        uint32_t published = random() % (transmit_count + 2);
        for (uint32_t i = 0; i < published; ++i) {
            abi::NetSlot& slot = transmit_slot(consumer + i);
            slot.length = random() % 4 ? random() % (abi::net_frame_capacity + 1)
                                       : static_cast<uint32_t>(random());
            slot.header = segment_header(random() % 3 ? abi::virtio_net_gso_tcpv4
                                                      : static_cast<uint8_t>(random()));
            slot.header.flags = static_cast<uint8_t>(random() % 4);
            slot.header.buffer_count = static_cast<uint16_t>(random() % 6);
            slot.header.header_length = static_cast<uint16_t>(random() % 5000);
            slot.header.checksum_start = static_cast<uint16_t>(random() % 5000);
            slot.header.gso_size = static_cast<uint16_t>(random() % 3);
        }
        indexes().transmit_producer = consumer + published;
        try {
            device->kick();
            EXPECT_EQ(indexes().transmit_consumer, consumer + published);
        } catch (const GuestFault&) {
            ++faults;
            boot();
        }
        char bytes[header_size + abi::net_max_frame_length];
        while (::recv(peer, bytes, sizeof bytes, MSG_DONTWAIT) > 0) {
        }
    }
    boot();
    EXPECT_GT(faults, 0);
    EXPECT_GT(sent_frames, 0u);
    EXPECT_GT(dropped_frames, 0u);
}

class NetHypercallTest : public NetDeviceTest {
protected:
    NetHypercallTest() : handler(memory) {}

    template <typename Args> Args call(abi::Hypercall number, const Args& arguments) {
        memory.write(args_address, arguments);
        handler.handle(abi::hypercall_offset(number), args_address);
        return *memory.read<Args>(args_address);
    }
    uint64_t poll(uint64_t timeout_ns) {
        return call(abi::Hypercall::Poll, abi::PollArgs{timeout_ns, abi::poll_event_net, 0}).events;
    }

    HypercallHandler handler;
};

TEST_F(NetHypercallTest, WithoutANetworkTheCallsAnswerEnodev) {
    auto setup = setup_args();
    setup.result = 99;
    EXPECT_EQ(call(abi::Hypercall::NetSetup, setup).result, -ENODEV);
    EXPECT_EQ(call(abi::Hypercall::NetKick, abi::NetKickArgs{99}).result, -ENODEV);
    deliver(frame_of(60, 1));
    EXPECT_EQ(poll(0), 0u); // the interest is ignored
}

TEST_F(NetHypercallTest, KickBeforeSetUpAnswersEnodev) {
    handler.attach_network(device.get());
    EXPECT_EQ(call(abi::Hypercall::NetKick, abi::NetKickArgs{99}).result, -ENODEV);
    EXPECT_EQ(call(abi::Hypercall::NetSetup, setup_args()).result, 0);
    EXPECT_EQ(call(abi::Hypercall::NetKick, abi::NetKickArgs{99}).result, 0);
    EXPECT_EQ(handler.count(abi::Hypercall::NetKick), 2u);
}

TEST_F(NetHypercallTest, ArgumentBlocksOutsideGuestMemoryFault) {
    handler.attach_network(device.get());
    for (auto number : {abi::Hypercall::NetSetup, abi::Hypercall::NetKick})
        for (uint64_t address : {memory_size, memory_size - 4, abi::hypercall_window_physical})
            EXPECT_THROW(handler.handle(abi::hypercall_offset(number), address), GuestFault);
}

TEST_F(NetHypercallTest, OneKickTransmitsABatchAndRefills) {
    handler.attach_network(device.get());
    ASSERT_EQ(call(abi::Hypercall::NetSetup, setup_args()).result, 0);
    for (uint8_t i = 0; i < 5; ++i)
        queue(frame_of(100, i));
    deliver(frame_of(70, 9));
    call(abi::Hypercall::NetKick, abi::NetKickArgs{});
    for (int i = 0; i < 5; ++i)
        EXPECT_TRUE(sent());
    EXPECT_EQ(indexes().receive_producer, 1u);
    EXPECT_EQ(receive_slot(0).frame[6], 9);
    EXPECT_EQ(handler.total(), 2u); // set-up and one kick for five frames
}

TEST_F(NetHypercallTest, PollReturnsAtOnceWhenFramesWait) {
    handler.attach_network(device.get());
    ASSERT_EQ(call(abi::Hypercall::NetSetup, setup_args()).result, 0);
    deliver(frame_of(60, 1));
    auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(poll(5'000'000'000), abi::poll_event_net);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
    EXPECT_EQ(indexes().receive_producer, 1u);
    // Still unconsumed: the event holds without anything new.
    EXPECT_EQ(poll(5'000'000'000), abi::poll_event_net);
    indexes().receive_consumer = 1;
    EXPECT_EQ(poll(1'000'000), 0u);
}

TEST_F(NetHypercallTest, PollWakesWhenAFrameArrives) {
    handler.attach_network(device.get());
    ASSERT_EQ(call(abi::Hypercall::NetSetup, setup_args()).result, 0);
    std::thread sender([this] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        deliver(frame_of(60, 7));
    });
    auto started = std::chrono::steady_clock::now();
    uint64_t events = poll(10'000'000'000);
    sender.join();
    EXPECT_EQ(events, abi::poll_event_net);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    EXPECT_EQ(receive_slot(0).frame[6], 7);
}

TEST_F(NetHypercallTest, PollDoesNotSpinOnAHostSideThatHungUp) {
    handler.attach_network(device.get());
    ASSERT_EQ(call(abi::Hypercall::NetSetup, setup_args()).result, 0);
    ::close(peer);
    peer = -1;
    testing::internal::CaptureStderr();
    EXPECT_EQ(poll(100'000'000), 0u); // notices the hang-up, gives the host side up
    testing::internal::GetCapturedStderr();
    auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(poll(50'000'000), 0u); // now a plain timeout
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(40));
}

} // namespace
} // namespace ingot
