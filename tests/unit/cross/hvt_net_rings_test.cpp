// The kernel's hvt network driver against the monitor's own ring code, through the real
// hypercall handler, over one buffer standing in for guest RAM; a SOCK_SEQPACKET socket pair
// stands in for the tap. What one side writes the other must read, one exit per batch.
#include "vmm/hypercalls.h"
#include "vmm/net_device.h"

#include <poll.h>
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

    HvtNetRingsTest() : memory(memory_size), handler(memory), link(memory, handler) {
        int pair[2];
        if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
            throw std::runtime_error("socketpair");
        tap = pair[0];
        peer = pair[1];
        ingot::NetworkAttachment attachment;
        attachment.tap_fd = tap;
        attachment.guest.mac = {2, 0, 0, 0, 0, 9};
        monitor = std::make_unique<ingot::NetDevice>(memory, attachment);
        handler.attach_network(monitor.get());
        ingot::abi::NetworkInfo info = monitor->network_info();
        driver = std::make_unique<kernel::hvt::HvtNetDevice>(
            link, info, memory.host_base() + rings_address, rings_address, transmit_slots,
            receive_slots);
    }
    ~HvtNetRingsTest() override {
        ::close(tap);
        ::close(peer);
    }

    std::optional<std::vector<uint8_t>> sent() {
        pollfd ready{peer, POLLIN, 0};
        if (::poll(&ready, 1, 100) != 1)
            return std::nullopt;
        std::vector<uint8_t> bytes(4096);
        ssize_t n = ::recv(peer, bytes.data(), bytes.size(), 0);
        if (n < 0)
            return std::nullopt;
        bytes.resize(static_cast<size_t>(n));
        return bytes;
    }

    void deliver(const std::vector<uint8_t>& frame, uint8_t flags = 0) {
        ingot::abi::VirtioNetHeader header{};
        header.flags = flags;
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
    EXPECT_EQ(driver->oversized_frames(), 1u);
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

} // namespace
