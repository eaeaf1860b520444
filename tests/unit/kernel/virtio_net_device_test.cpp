#include "kernel/kernel_test_support.h"

#include "drivers/virtio/net_device.h"

namespace {

using namespace kernel::virtio;
using kernel::FrameAllocator;
using kernel::net::ChecksumRequest;
using kernel::net::FrameReceiver;
using kernel::net::IpVersion;
using kernel::net::MacAddress;
using kernel::net::TransmitFragment;
using kernel_test::GuestRam;
using Bytes = std::vector<uint8_t>;

constexpr uint64_t memory_size = 4 << 20;
constexpr uint64_t first_free = 1 << 20;
constexpr size_t header_size = sizeof(VirtioNetHeader);

// A virtio-net device over guest RAM: it keeps the driver's status, features and queue
// addresses, and the test plays its part on the rings: taking the buffers the driver made
// available and returning them through the used ring, with whatever lengths and ids it likes.
class FakeNetTransport final : public Transport {
public:
    struct Queue {
        uint16_t size = 0;
        QueueAddresses addresses{};
        uint16_t next_available = 0;
        uint16_t used_index = 0;
        size_t notifications = 0;
    };
    struct Descriptor {
        uint16_t id;
        uint64_t address;
        uint32_t length;
        uint16_t flags;
    };

    explicit FakeNetTransport(GuestRam& ram) : m_ram(ram) {}

    uint8_t status() override { return m_status; }
    void set_status(uint8_t status) override { m_status = status; }
    uint64_t device_features() override { return offered; }
    void set_driver_features(uint64_t features) override { driver_features = features; }
    uint16_t queue_max_size(uint16_t index) override { return index < 2 ? max_queue_size : 0; }
    kernel::ErrorOr<void> enable_queue(uint16_t index, uint16_t size,
                                       const QueueAddresses& addresses) override {
        queues[index].size = size;
        queues[index].addresses = addresses;
        return {};
    }
    void notify(uint16_t index) override {
        ++queues[index].notifications;
        status_at_notify = m_status;
    }
    uint32_t acknowledge_interrupt() override {
        uint32_t status = interrupt_status;
        interrupt_status = 0;
        return status;
    }
    volatile void* device_config() override { return config; }

    // Chains the driver made available since last asked, one descriptor each.
    std::vector<Descriptor> take_available(uint16_t index) {
        std::vector<Descriptor> taken;
        for (auto& chain : take_chains(index)) {
            EXPECT_EQ(chain.size(), 1u) << "one buffer per chain";
            taken.push_back(chain.front());
        }
        return taken;
    }

    // Chains the driver made available since last asked, each as its descriptors in order
    // (every one carrying the head's id, which the device returns).
    std::vector<std::vector<Descriptor>> take_chains(uint16_t index) {
        Queue& queue = queues[index];
        std::vector<std::vector<Descriptor>> taken;
        while (queue.next_available != read16(queue.addresses.available + 2)) {
            uint16_t slot = queue.next_available++ % queue.size;
            uint16_t head = read16(queue.addresses.available + 4 + 2 * slot);
            std::vector<Descriptor> chain;
            uint16_t next = head;
            for (;;) {
                VirtqDescriptor descriptor;
                std::memcpy(&descriptor, at(queue.addresses.descriptors + 16 * next), 16);
                chain.push_back({head, descriptor.address, descriptor.length, descriptor.flags});
                if (!(descriptor.flags & descriptor_flag_next) || chain.size() > queue.size)
                    break;
                next = descriptor.next;
            }
            taken.push_back(std::move(chain));
        }
        return taken;
    }

    // The bytes of a chain's buffers, one after the other.
    Bytes gather(const std::vector<Descriptor>& chain) const {
        Bytes bytes;
        for (auto& descriptor : chain)
            bytes.insert(bytes.end(), at(descriptor.address),
                         at(descriptor.address) + descriptor.length);
        return bytes;
    }

    void complete(uint16_t index, uint32_t id, uint32_t length) {
        Queue& queue = queues[index];
        VirtqUsedElement element{id, length};
        std::memcpy(at(queue.addresses.used + 4 + 8 * (queue.used_index % queue.size)), &element,
                    8);
        ++queue.used_index;
        std::memcpy(at(queue.addresses.used + 2), &queue.used_index, 2);
    }

    void set_used_flags(uint16_t index, uint16_t flags) {
        std::memcpy(at(queues[index].addresses.used), &flags, 2);
    }
    uint16_t available_flags(uint16_t index) const {
        return read16(queues[index].addresses.available);
    }

    uint8_t* at(uint64_t physical) const { return m_ram.base() + physical; }

    uint64_t offered = feature_version_1 | net_feature_csum | net_feature_guest_csum |
                       net_feature_mac | net_feature_mrg_rxbuf | (1ull << 16) /* STATUS */ |
                       (1ull << 7) /* GUEST_TSO4 */;
    uint64_t driver_features = 0;
    uint16_t max_queue_size = 256;
    uint8_t status_at_notify = 0;
    uint32_t interrupt_status = 0;
    uint8_t config[12] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    Queue queues[2];

private:
    uint16_t read16(uint64_t physical) const {
        uint16_t value;
        std::memcpy(&value, m_ram.base() + physical, 2);
        return value;
    }

    GuestRam& m_ram;
    uint8_t m_status = 0;
};

struct Received {
    Bytes frame;
    bool verified;
};

class RecordingReceiver final : public FrameReceiver {
public:
    void receive_frame(const uint8_t* frame, size_t length, bool checksum_verified) override {
        frames.push_back({Bytes(frame, frame + length), checksum_verified});
    }
    std::vector<Received> frames;
};

Bytes test_frame(size_t length, uint8_t seed = 1) {
    Bytes frame(length);
    for (size_t i = 0; i < length; ++i)
        frame[i] = static_cast<uint8_t>(seed + i * 7);
    return frame;
}

class VirtioNetDeviceTest : public ::testing::Test {
protected:
    VirtioNetDeviceTest() : ram(memory_size), device(ram) {
        frames.initialize(ram.base(), memory_size, first_free, true);
    }

    void start() {
        ASSERT_OK(net.initialize(device, frames, fallback_mac));
        receive_buffers = device.take_available(VirtioNetDevice::receive_queue);
    }

    // Writes `frame` into the next receive buffers as the device would, `pieces` buffers for
    // it (the first also holds the header) and returns them.
    void deliver(const Bytes& frame, uint16_t pieces = 1, uint8_t flags = 0,
                 uint16_t claimed_buffers = 0, uint8_t gso_type = 0) {
        VirtioNetHeader header{};
        header.flags = flags;
        header.gso_type = gso_type;
        header.buffer_count = claimed_buffers ? claimed_buffers : pieces;
        Bytes bytes(reinterpret_cast<uint8_t*>(&header),
                    reinterpret_cast<uint8_t*>(&header) + header_size);
        bytes.insert(bytes.end(), frame.begin(), frame.end());
        size_t piece_size = (bytes.size() + pieces - 1) / pieces;
        for (size_t done = 0, i = 0; i < pieces; ++i) {
            ASSERT_FALSE(receive_buffers.empty()) << "the driver posted too few buffers";
            auto buffer = receive_buffers.front();
            receive_buffers.erase(receive_buffers.begin());
            size_t length = std::min(piece_size, bytes.size() - done);
            ASSERT_LE(length, buffer.length);
            std::memcpy(device.at(buffer.address), bytes.data() + done, length);
            device.complete(VirtioNetDevice::receive_queue, buffer.id,
                            static_cast<uint32_t>(length));
            done += length;
        }
    }

    // One buffer holding `header` and `payload` bytes; the device claims to have written
    // `used` bytes, or all of them.
    void deliver_raw(const VirtioNetHeader& header, size_t payload, uint32_t used = 0) {
        ASSERT_FALSE(receive_buffers.empty());
        auto buffer = receive_buffers.front();
        receive_buffers.erase(receive_buffers.begin());
        std::memcpy(device.at(buffer.address), &header, header_size);
        device.complete(VirtioNetDevice::receive_queue, buffer.id,
                        used ? used : static_cast<uint32_t>(header_size + payload));
    }

    // What the driver re-posted since last asked.
    void collect_reposted() {
        auto more = device.take_available(VirtioNetDevice::receive_queue);
        receive_buffers.insert(receive_buffers.end(), more.begin(), more.end());
    }

    bool send(const Bytes& frame, const ChecksumRequest* checksum = nullptr) {
        TransmitFragment fragment{frame.data(), frame.size()};
        return net.transmit(&fragment, 1, checksum);
    }

    GuestRam ram;
    FrameAllocator frames;
    FakeNetTransport device;
    VirtioNetDevice net;
    MacAddress fallback_mac{{0x02, 0, 0, 0, 0, 1}};
    std::vector<FakeNetTransport::Descriptor> receive_buffers;
    RecordingReceiver receiver;
};

TEST_F(VirtioNetDeviceTest, NegotiatesOnlyWhatItDrives) {
    start();
    EXPECT_EQ(device.driver_features, feature_version_1 | net_feature_csum |
                                          net_feature_guest_csum | net_feature_mac |
                                          net_feature_mrg_rxbuf | net_feature_guest_tso4);
    EXPECT_EQ(device.status(),
              status_acknowledge | status_driver | status_features_ok | status_driver_ok);
    EXPECT_TRUE(net.offers_checksum_offload());
    EXPECT_EQ(net.mac_address(), (MacAddress{{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}}));
    EXPECT_EQ(net.mtu(), 1500u);
}

TEST_F(VirtioNetDeviceTest, WithoutMacOrChecksumFeaturesUsesFallbackAndNoOffload) {
    device.offered = feature_version_1;
    start();
    EXPECT_EQ(net.mac_address(), fallback_mac);
    EXPECT_FALSE(net.offers_checksum_offload());
}

TEST_F(VirtioNetDeviceTest, LegacyDeviceIsRefused) {
    device.offered = net_feature_mac;
    EXPECT_ERRNO(net.initialize(device, frames, fallback_mac), ENODEV);
}

TEST_F(VirtioNetDeviceTest, FillsTheReceiveQueueBeforeNotifyingAfterDriverOk) {
    start();
    EXPECT_EQ(receive_buffers.size(), 256u);
    std::set<uint64_t> addresses;
    for (auto& buffer : receive_buffers) {
        EXPECT_EQ(buffer.length, VirtioNetDevice::buffer_size);
        EXPECT_TRUE(buffer.flags & descriptor_flag_write);
        addresses.insert(buffer.address);
    }
    EXPECT_EQ(addresses.size(), 256u) << "each buffer distinct";
    EXPECT_EQ(device.queues[VirtioNetDevice::receive_queue].notifications, 1u);
    EXPECT_TRUE(device.status_at_notify & status_driver_ok);
    EXPECT_EQ(device.available_flags(VirtioNetDevice::receive_queue), 0)
        << "receive interrupts wake the idle kernel";
    EXPECT_EQ(device.available_flags(VirtioNetDevice::transmit_queue), available_flag_no_interrupt);
}

TEST_F(VirtioNetDeviceTest, SmallerQueuesWhenTheDeviceAllowsFewerEntries) {
    device.max_queue_size = 64;
    start();
    EXPECT_EQ(receive_buffers.size(), 64u);
}

TEST_F(VirtioNetDeviceTest, DeliversAFrameAndRepostsItsBuffer) {
    start();
    EXPECT_FALSE(net.has_received());
    Bytes frame = test_frame(60);
    deliver(frame);
    EXPECT_TRUE(net.has_received());
    EXPECT_EQ(net.receive(receiver, 16), 1u);
    ASSERT_EQ(receiver.frames.size(), 1u);
    EXPECT_EQ(receiver.frames[0].frame, frame);
    EXPECT_FALSE(receiver.frames[0].verified);
    EXPECT_FALSE(net.has_received());
    collect_reposted();
    EXPECT_EQ(receive_buffers.size(), 256u);
    EXPECT_EQ(device.queues[VirtioNetDevice::receive_queue].notifications, 2u);
}

TEST_F(VirtioNetDeviceTest, ReassemblesAFrameFromMergeableBuffers) {
    start();
    Bytes frame = test_frame(1514);
    deliver(frame, 3);
    EXPECT_EQ(net.receive(receiver, 16), 1u);
    ASSERT_EQ(receiver.frames.size(), 1u);
    EXPECT_EQ(receiver.frames[0].frame, frame);
    collect_reposted();
    EXPECT_EQ(receive_buffers.size(), 256u) << "all three buffers go back";
}

TEST_F(VirtioNetDeviceTest, ChecksumFlagsMarkTheFrameVerified) {
    start();
    deliver(test_frame(80), 1, ingot::abi::virtio_net_data_valid);
    deliver(test_frame(80), 1, ingot::abi::virtio_net_needs_checksum);
    deliver(test_frame(80), 1, 0);
    EXPECT_EQ(net.receive(receiver, 16), 3u);
    ASSERT_EQ(receiver.frames.size(), 3u);
    EXPECT_TRUE(receiver.frames[0].verified);
    EXPECT_TRUE(receiver.frames[1].verified);
    EXPECT_FALSE(receiver.frames[2].verified);
}

TEST_F(VirtioNetDeviceTest, ChecksumFlagsIgnoredWithoutGuestCsum) {
    device.offered = feature_version_1 | net_feature_mrg_rxbuf;
    start();
    deliver(test_frame(80), 1, ingot::abi::virtio_net_data_valid);
    EXPECT_EQ(net.receive(receiver, 16), 1u);
    ASSERT_EQ(receiver.frames.size(), 1u);
    EXPECT_FALSE(receiver.frames[0].verified);
}

TEST_F(VirtioNetDeviceTest, WithoutMergeableBuffersNumBuffersIsIgnored) {
    device.offered = feature_version_1;
    start();
    Bytes frame = test_frame(100);
    deliver(frame, 1, 0, 7);
    EXPECT_EQ(net.receive(receiver, 16), 1u);
    ASSERT_EQ(receiver.frames.size(), 1u);
    EXPECT_EQ(receiver.frames[0].frame, frame);
}

TEST_F(VirtioNetDeviceTest, RespectsTheBudget) {
    start();
    for (int i = 0; i < 5; ++i)
        deliver(test_frame(64, static_cast<uint8_t>(i)));
    EXPECT_EQ(net.receive(receiver, 2), 2u);
    EXPECT_TRUE(net.has_received());
    EXPECT_EQ(device.available_flags(VirtioNetDevice::receive_queue), available_flag_no_interrupt)
        << "no interrupts while frames wait to be polled";
    EXPECT_EQ(net.receive(receiver, 10), 3u);
    EXPECT_EQ(device.available_flags(VirtioNetDevice::receive_queue), 0)
        << "interrupts again once drained";
    ASSERT_EQ(receiver.frames.size(), 5u);
    EXPECT_EQ(receiver.frames[4].frame, test_frame(64, 4));
}

TEST_F(VirtioNetDeviceTest, DropsMalformedFramesAndKeepsGoing) {
    start();
    VirtioNetHeader no_buffers{}, gso{}, fine{};
    gso.gso_type = 1;
    gso.buffer_count = fine.buffer_count = 1;
    deliver_raw(fine, 60, 5);    // shorter than the header
    deliver_raw(no_buffers, 60); // num_buffers of 0
    deliver_raw(fine, 10);       // shorter than an Ethernet header
    deliver_raw(gso, 60);        // GSO without the checksum state it implies
    Bytes good = test_frame(70);
    deliver(good);
    EXPECT_EQ(net.receive(receiver, 16), 1u);
    ASSERT_EQ(receiver.frames.size(), 1u);
    EXPECT_EQ(receiver.frames[0].frame, good);
    EXPECT_EQ(net.counters().received_malformed, 4u);
    EXPECT_FALSE(net.is_broken());
    collect_reposted();
    EXPECT_EQ(receive_buffers.size(), 256u) << "every buffer goes back to the device";
}

TEST_F(VirtioNetDeviceTest, MergeableFrameClaimingMoreBuffersThanReturnedIsDropped) {
    start();
    deliver(test_frame(200), 1, 0, 3);
    EXPECT_EQ(net.receive(receiver, 16), 0u);
    EXPECT_EQ(net.counters().received_malformed, 1u);
    collect_reposted();
    EXPECT_EQ(receive_buffers.size(), 256u);
    deliver(test_frame(64));
    EXPECT_EQ(net.receive(receiver, 16), 1u);
}

TEST_F(VirtioNetDeviceTest, OverlongFramesAreDropped) {
    start();
    deliver(test_frame(VirtioNetDevice::max_frame_length + 1));
    deliver(test_frame(3000), 2);
    deliver(test_frame(VirtioNetDevice::max_frame_length));
    EXPECT_EQ(net.receive(receiver, 16), 1u);
    EXPECT_EQ(net.counters().received_too_long, 2u);
    ASSERT_EQ(receiver.frames.size(), 1u);
    EXPECT_EQ(receiver.frames[0].frame.size(), VirtioNetDevice::max_frame_length);
}

TEST_F(VirtioNetDeviceTest, HostileUsedIdBreaksTheDeviceWithoutCrashing) {
    start();
    device.complete(VirtioNetDevice::receive_queue, 9999, 64);
    EXPECT_EQ(net.receive(receiver, 16), 0u);
    EXPECT_TRUE(net.is_broken());
    EXPECT_TRUE(device.status() & status_failed);
    EXPECT_FALSE(net.has_received());
    EXPECT_TRUE(send(test_frame(60))) << "dropped, not refused forever";
    EXPECT_EQ(net.counters().transmit_dropped, 1u);
}

TEST_F(VirtioNetDeviceTest, HostileUsedLengthBreaksTheDevice) {
    start();
    auto buffer = receive_buffers.front();
    device.complete(VirtioNetDevice::receive_queue, buffer.id, VirtioNetDevice::buffer_size + 1);
    EXPECT_EQ(net.receive(receiver, 16), 0u);
    EXPECT_TRUE(net.is_broken());
    EXPECT_TRUE(receiver.frames.empty());
}

// Every receive buffer is always posted, so only transmit chains can be returned twice.
TEST_F(VirtioNetDeviceTest, TransmitChainReturnedTwiceBreaksTheDevice) {
    start();
    EXPECT_TRUE(send(test_frame(60)));
    net.flush();
    auto sent = device.take_available(VirtioNetDevice::transmit_queue);
    ASSERT_EQ(sent.size(), 1u);
    device.complete(VirtioNetDevice::transmit_queue, sent[0].id, 0);
    device.complete(VirtioNetDevice::transmit_queue, sent[0].id, 0);
    EXPECT_TRUE(send(test_frame(60)));
    EXPECT_TRUE(net.is_broken());
    EXPECT_FALSE(net.has_received());
}

// QEMU sends a notified frame later, from its main loop: until the device returns the buffer,
// the frame is not on the link, and a VM that ended now would lose it.
TEST_F(VirtioNetDeviceTest, TransmittingUntilTheDeviceReturnsEveryBuffer) {
    start();
    EXPECT_FALSE(net.is_transmitting());
    EXPECT_TRUE(send(test_frame(60)));
    EXPECT_TRUE(net.is_transmitting()) << "queued, not yet notified";
    EXPECT_TRUE(send(test_frame(60, 1)));
    net.flush();
    auto sent = device.take_available(VirtioNetDevice::transmit_queue);
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_TRUE(net.is_transmitting());
    device.complete(VirtioNetDevice::transmit_queue, sent[0].id, 0);
    EXPECT_TRUE(net.is_transmitting()) << "one buffer is still with the device";
    device.complete(VirtioNetDevice::transmit_queue, sent[1].id, 0);
    EXPECT_FALSE(net.is_transmitting());
}

TEST_F(VirtioNetDeviceTest, ABrokenDeviceIsNotWaitedFor) {
    start();
    EXPECT_TRUE(send(test_frame(60)));
    net.flush();
    auto sent = device.take_available(VirtioNetDevice::transmit_queue);
    ASSERT_EQ(sent.size(), 1u);
    device.complete(VirtioNetDevice::transmit_queue, 9999, 0);
    EXPECT_FALSE(net.is_transmitting());
    EXPECT_TRUE(net.is_broken());
}

TEST_F(VirtioNetDeviceTest, TransmitCopiesFragmentsBehindAZeroHeader) {
    start();
    Bytes header = test_frame(34, 3), payload = test_frame(100, 9);
    TransmitFragment fragments[] = {{header.data(), header.size()},
                                    {payload.data(), payload.size()}};
    EXPECT_TRUE(net.transmit(fragments, 2, nullptr));
    EXPECT_EQ(device.queues[VirtioNetDevice::transmit_queue].notifications, 0u)
        << "nothing reaches the device before flush";
    net.flush();
    EXPECT_EQ(device.queues[VirtioNetDevice::transmit_queue].notifications, 1u);
    auto sent = device.take_available(VirtioNetDevice::transmit_queue);
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_FALSE(sent[0].flags & descriptor_flag_write);
    ASSERT_EQ(sent[0].length, header_size + 134);
    VirtioNetHeader written;
    std::memcpy(&written, device.at(sent[0].address), header_size);
    EXPECT_EQ(written.flags, 0);
    EXPECT_EQ(written.gso_type, 0);
    EXPECT_EQ(written.buffer_count, 0);
    Bytes expected = header;
    expected.insert(expected.end(), payload.begin(), payload.end());
    EXPECT_EQ(Bytes(device.at(sent[0].address) + header_size,
                    device.at(sent[0].address) + header_size + 134),
              expected);
}

TEST_F(VirtioNetDeviceTest, ChecksumRequestFillsTheHeader) {
    start();
    ChecksumRequest checksum{34, 16};
    EXPECT_TRUE(send(test_frame(74), &checksum));
    net.flush();
    auto sent = device.take_available(VirtioNetDevice::transmit_queue);
    ASSERT_EQ(sent.size(), 1u);
    VirtioNetHeader written;
    std::memcpy(&written, device.at(sent[0].address), header_size);
    EXPECT_EQ(written.flags, ingot::abi::virtio_net_needs_checksum);
    EXPECT_EQ(written.checksum_start, 34);
    EXPECT_EQ(written.checksum_offset, 16);
}

TEST_F(VirtioNetDeviceTest, BadTransmitsAreDroppedNotQueued) {
    start();
    ChecksumRequest outside{60, 10};
    EXPECT_TRUE(send(test_frame(64), &outside));
    EXPECT_TRUE(send(test_frame(VirtioNetDevice::max_frame_length + 1)));
    EXPECT_TRUE(send(test_frame(0)));
    net.flush();
    EXPECT_TRUE(device.take_available(VirtioNetDevice::transmit_queue).empty());
    EXPECT_EQ(net.counters().transmit_dropped, 3u);
}

TEST_F(VirtioNetDeviceTest, ChecksumRequestWithoutOffloadIsDropped) {
    device.offered = feature_version_1 | net_feature_mac;
    start();
    ChecksumRequest checksum{34, 16};
    EXPECT_TRUE(send(test_frame(74), &checksum));
    EXPECT_EQ(net.counters().transmit_dropped, 1u);
}

TEST_F(VirtioNetDeviceTest, FullTransmitQueueRefusesUntilCompletionsAreReclaimed) {
    device.max_queue_size = 8;
    start();
    for (int i = 0; i < 8; ++i)
        EXPECT_TRUE(send(test_frame(60)));
    EXPECT_FALSE(send(test_frame(60)));
    net.flush();
    auto sent = device.take_available(VirtioNetDevice::transmit_queue);
    ASSERT_EQ(sent.size(), 8u);
    device.complete(VirtioNetDevice::transmit_queue, sent[3].id, 0);
    device.complete(VirtioNetDevice::transmit_queue, sent[5].id, 0);
    EXPECT_TRUE(send(test_frame(60, 1)));
    EXPECT_TRUE(send(test_frame(60, 2)));
    EXPECT_FALSE(send(test_frame(60, 3)));
    net.flush();
    auto again = device.take_available(VirtioNetDevice::transmit_queue);
    ASSERT_EQ(again.size(), 2u);
    // The reused buffers hold the new frames.
    EXPECT_EQ(Bytes(device.at(again[1].address) + header_size,
                    device.at(again[1].address) + header_size + 60),
              test_frame(60, 2));
}

TEST_F(VirtioNetDeviceTest, HostileTransmitCompletionBreaksTheDevice) {
    start();
    device.complete(VirtioNetDevice::transmit_queue, 77, 0);
    EXPECT_TRUE(send(test_frame(60)));
    EXPECT_TRUE(net.is_broken());
    EXPECT_EQ(net.counters().transmit_dropped, 1u);
}

TEST_F(VirtioNetDeviceTest, OneNotificationPerBatchAndNoneWhenTheDevicePolls) {
    start();
    for (int i = 0; i < 10; ++i)
        EXPECT_TRUE(send(test_frame(60)));
    net.flush();
    net.flush();
    EXPECT_EQ(device.queues[VirtioNetDevice::transmit_queue].notifications, 1u);
    device.set_used_flags(VirtioNetDevice::transmit_queue, used_flag_no_notify);
    EXPECT_TRUE(send(test_frame(60)));
    net.flush();
    EXPECT_EQ(device.queues[VirtioNetDevice::transmit_queue].notifications, 1u);
    EXPECT_EQ(device.take_available(VirtioNetDevice::transmit_queue).size(), 11u);
}

TEST_F(VirtioNetDeviceTest, AcknowledgingAnInterruptClearsTheDeviceStatus) {
    start();
    device.interrupt_status = interrupt_queue;
    net.acknowledge_interrupt();
    EXPECT_EQ(device.interrupt_status, 0u);
}

} // namespace

// Segmentation offloads (§5.1.6.2, §5.1.6.4): TCP/IPv4 both ways.

constexpr size_t tcp_headers = 14 + 20 + 32;  // Ethernet, IPv4, TCP with timestamps
constexpr size_t tcp6_headers = 14 + 40 + 32; // Ethernet, IPv6, TCP with timestamps

// A TCP/IPv4 frame of `length` bytes: only the TCP data offset matters to the device.
Bytes tcp_frame(size_t length, uint8_t seed = 1) {
    Bytes frame = test_frame(length, seed);
    frame[14 + 20 + 12] = (32 / 4) << 4;
    return frame;
}

Bytes tcp6_frame(size_t length, uint8_t seed = 1) {
    Bytes frame = test_frame(length, seed);
    frame[12] = 0x86;
    frame[13] = 0xdd;
    frame[14 + 40 + 12] = (32 / 4) << 4;
    return frame;
}

TEST_F(VirtioNetDeviceTest, NegotiatesSegmentationOnlyWithWhatItDependsOn) {
    device.offered |= net_feature_host_tso4;
    start();
    EXPECT_TRUE(device.driver_features & net_feature_host_tso4);
    EXPECT_TRUE(device.driver_features & net_feature_guest_tso4);
    EXPECT_EQ(net.tcp_segmentation_limit(IpVersion::v4), 65535u);
    EXPECT_EQ(net.tcp_segmentation_limit(IpVersion::v6), 1500u) << "HOST_TSO6 not offered";

    EXPECT_EQ(settle_net_features(net_feature_host_tso4 | net_feature_host_tso6 |
                                  net_feature_guest_csum | net_feature_guest_tso4 |
                                  net_feature_guest_tso6 | net_feature_mrg_rxbuf),
              net_feature_guest_csum | net_feature_guest_tso4 | net_feature_guest_tso6 |
                  net_feature_mrg_rxbuf)
        << "HOST_TSO4 and HOST_TSO6 need CSUM";
    EXPECT_EQ(
        settle_net_features(net_feature_csum | net_feature_guest_csum | net_feature_guest_tso6),
        net_feature_csum | net_feature_guest_csum)
        << "GUEST_TSO6 needs mergeable buffers";
    EXPECT_EQ(settle_net_features(net_feature_host_tso4 | net_feature_guest_csum |
                                  net_feature_guest_tso4 | net_feature_mrg_rxbuf),
              net_feature_guest_csum | net_feature_guest_tso4 | net_feature_mrg_rxbuf)
        << "HOST_TSO4 needs CSUM";
    EXPECT_EQ(
        settle_net_features(net_feature_csum | net_feature_guest_csum | net_feature_guest_tso4),
        net_feature_csum | net_feature_guest_csum)
        << "GUEST_TSO4 needs mergeable buffers to fit our 2 KiB ones";
    EXPECT_EQ(settle_net_features(net_feature_mrg_rxbuf | net_feature_guest_tso4),
              net_feature_mrg_rxbuf)
        << "GUEST_TSO4 needs GUEST_CSUM";
}

TEST_F(VirtioNetDeviceTest, WithoutHostTsoTheSegmentationLimitIsTheMtu) {
    start();
    EXPECT_FALSE(device.driver_features & net_feature_host_tso4);
    EXPECT_EQ(net.tcp_segmentation_limit(IpVersion::v4), 1500u);
    EXPECT_EQ(net.tcp_segmentation_limit(IpVersion::v6), 1500u);
}

TEST_F(VirtioNetDeviceTest, NegotiatesSegmentationOverIpv6) {
    device.offered |= net_feature_host_tso6 | net_feature_guest_tso6;
    start();
    EXPECT_TRUE(device.driver_features & net_feature_host_tso6);
    EXPECT_TRUE(device.driver_features & net_feature_guest_tso6);
    EXPECT_EQ(net.tcp_segmentation_limit(IpVersion::v6), 65535u);
    EXPECT_EQ(net.tcp_segmentation_limit(IpVersion::v4), 1500u) << "HOST_TSO4 not offered";
}

TEST_F(VirtioNetDeviceTest, ReassemblesACoalescedSegmentFromManyBuffers) {
    start();
    Bytes frame = tcp_frame(60000);
    deliver(frame, 30, ingot::abi::virtio_net_needs_checksum, 0, ingot::abi::virtio_net_gso_tcpv4);
    EXPECT_EQ(net.receive(receiver, 16), 1u);
    ASSERT_EQ(receiver.frames.size(), 1u);
    EXPECT_EQ(receiver.frames[0].frame, frame);
    EXPECT_TRUE(receiver.frames[0].verified);
    EXPECT_EQ(net.counters().received_coalesced, 1u);
    collect_reposted();
    EXPECT_EQ(receive_buffers.size(), 256u) << "all 30 buffers go back to the device";
}

// The longest coalesced IPv6 segment: a 65535-byte payload behind the fixed header.
TEST_F(VirtioNetDeviceTest, ReassemblesACoalescedIpv6Segment) {
    device.offered |= net_feature_guest_tso6;
    start();
    Bytes frame = tcp6_frame(14 + 40 + 65535);
    deliver(frame, 33, ingot::abi::virtio_net_data_valid, 0, ingot::abi::virtio_net_gso_tcpv6);
    EXPECT_EQ(net.receive(receiver, 16), 1u);
    ASSERT_EQ(receiver.frames.size(), 1u);
    EXPECT_EQ(receiver.frames[0].frame, frame);
    EXPECT_TRUE(receiver.frames[0].verified);
}

TEST_F(VirtioNetDeviceTest, CoalescedIpv6SegmentsAreDroppedWithoutGuestTso6) {
    start(); // GUEST_TSO4 only
    deliver(tcp6_frame(1000), 1, ingot::abi::virtio_net_needs_checksum, 0,
            ingot::abi::virtio_net_gso_tcpv6);
    EXPECT_EQ(net.receive(receiver, 16), 0u);
    EXPECT_EQ(net.counters().received_malformed, 1u);
}

TEST_F(VirtioNetDeviceTest, CoalescedSegmentsAreDroppedWithoutGuestTso) {
    device.offered &= ~net_feature_mrg_rxbuf;
    start();
    EXPECT_FALSE(device.driver_features & net_feature_guest_tso4);
    deliver(tcp_frame(1000), 1, ingot::abi::virtio_net_needs_checksum, 0,
            ingot::abi::virtio_net_gso_tcpv4);
    EXPECT_EQ(net.receive(receiver, 16), 0u);
    EXPECT_EQ(net.counters().received_malformed, 1u);
}

TEST_F(VirtioNetDeviceTest, HostileBufferCountsAndLengthsAreDroppedAndCounted) {
    start();
    // More buffers than the longest frame can take: only its first buffer is believed.
    deliver(tcp_frame(200), 1, ingot::abi::virtio_net_needs_checksum, 1000,
            ingot::abi::virtio_net_gso_tcpv4);
    // A coalesced frame longer than any IP packet.
    deliver(tcp_frame(VirtioNetDevice::max_segment_frame_length + 1), 33,
            ingot::abi::virtio_net_needs_checksum, 0, ingot::abi::virtio_net_gso_tcpv4);
    // A frame without GSO longer than the MTU, however many buffers it spans.
    deliver(tcp_frame(5000), 3);
    Bytes good = tcp_frame(64);
    deliver(good);
    EXPECT_EQ(net.receive(receiver, 16), 1u);
    ASSERT_EQ(receiver.frames.size(), 1u);
    EXPECT_EQ(receiver.frames[0].frame, good);
    EXPECT_EQ(net.counters().received_malformed, 1u);
    EXPECT_EQ(net.counters().received_too_long, 2u);
    EXPECT_FALSE(net.is_broken());
    collect_reposted();
    EXPECT_EQ(receive_buffers.size(), 256u);
}

TEST_F(VirtioNetDeviceTest, SegmentationRequestFillsTheGsoFieldsAndChainsTheFrame) {
    device.offered |= net_feature_host_tso4;
    start();
    Bytes frame = tcp_frame(tcp_headers + 44 * 1448, 5);
    ChecksumRequest request{34, 16, 1448};
    EXPECT_TRUE(send(frame, &request));
    net.flush();
    auto chains = device.take_chains(VirtioNetDevice::transmit_queue);
    ASSERT_EQ(chains.size(), 1u);
    size_t expected_buffers = (header_size + frame.size() + 2047) / 2048;
    EXPECT_EQ(chains[0].size(), expected_buffers);
    Bytes bytes = device.gather(chains[0]);
    ASSERT_EQ(bytes.size(), header_size + frame.size());
    VirtioNetHeader written;
    std::memcpy(&written, bytes.data(), header_size);
    EXPECT_EQ(written.flags, ingot::abi::virtio_net_needs_checksum);
    EXPECT_EQ(written.gso_type, ingot::abi::virtio_net_gso_tcpv4);
    EXPECT_EQ(written.gso_size, 1448);
    EXPECT_EQ(written.header_length, tcp_headers);
    EXPECT_EQ(written.checksum_start, 34);
    EXPECT_EQ(written.checksum_offset, 16);
    EXPECT_EQ(Bytes(bytes.begin() + header_size, bytes.end()), frame);
    EXPECT_EQ(net.counters().transmit_segmented, 1u);
}

TEST_F(VirtioNetDeviceTest, SegmentationRequestOverIpv6UsesItsGsoType) {
    device.offered |= net_feature_host_tso6;
    start();
    Bytes frame = tcp6_frame(tcp6_headers + 44 * 1428, 5);
    ChecksumRequest request{54, 16, 1428, IpVersion::v6};
    EXPECT_TRUE(send(frame, &request));
    net.flush();
    auto chains = device.take_chains(VirtioNetDevice::transmit_queue);
    ASSERT_EQ(chains.size(), 1u);
    Bytes bytes = device.gather(chains[0]);
    VirtioNetHeader written;
    std::memcpy(&written, bytes.data(), header_size);
    EXPECT_EQ(written.gso_type, ingot::abi::virtio_net_gso_tcpv6);
    EXPECT_EQ(written.gso_size, 1428);
    EXPECT_EQ(written.header_length, tcp6_headers);
    EXPECT_EQ(written.checksum_start, 54);
    EXPECT_EQ(Bytes(bytes.begin() + header_size, bytes.end()), frame);
}

TEST_F(VirtioNetDeviceTest, SegmentationRequestsItCannotMeetAreDropped) {
    start(); // no HOST_TSO4
    ChecksumRequest request{34, 16, 1448};
    EXPECT_TRUE(send(tcp_frame(10000), &request));
    EXPECT_EQ(net.counters().transmit_dropped, 1u);
}

TEST_F(VirtioNetDeviceTest, EachVersionNeedsItsOwnSegmentationFeature) {
    device.offered |= net_feature_host_tso4;
    start();
    ChecksumRequest six{54, 16, 1428, IpVersion::v6};
    EXPECT_TRUE(send(tcp6_frame(10000), &six));
    EXPECT_EQ(net.counters().transmit_dropped, 1u) << "HOST_TSO4 alone cuts no IPv6 segment";
}

TEST_F(VirtioNetDeviceTest, Ipv6SegmentationRequestsInsideTheIpHeaderAreDropped) {
    device.offered |= net_feature_host_tso6;
    start();
    ChecksumRequest inside_ipv6_header{34, 16, 1428, IpVersion::v6};
    EXPECT_TRUE(send(tcp6_frame(10000), &inside_ipv6_header));
    EXPECT_EQ(net.counters().transmit_dropped, 1u);
}

TEST_F(VirtioNetDeviceTest, HostileSegmentationRequestsAreDropped) {
    device.offered |= net_feature_host_tso4;
    start();
    Bytes bad_offset = tcp_frame(10000);
    bad_offset[14 + 20 + 12] = 0x10; // a TCP header of 4 bytes
    ChecksumRequest request{34, 16, 1448};
    EXPECT_TRUE(send(bad_offset, &request));
    ChecksumRequest inside_ip{20, 16, 1448};
    EXPECT_TRUE(send(tcp_frame(10000), &inside_ip));
    EXPECT_TRUE(send(tcp_frame(kernel::max_cut_frame_length + 1), &request));
    EXPECT_TRUE(send(tcp_frame(10000))) << "longer than the MTU without a request to cut it";
    net.flush();
    EXPECT_TRUE(device.take_chains(VirtioNetDevice::transmit_queue).empty());
    EXPECT_EQ(net.counters().transmit_dropped, 4u);
}

TEST_F(VirtioNetDeviceTest, ChainedFramesGiveBackEverySlotWhenReclaimed) {
    device.offered |= net_feature_host_tso4;
    device.max_queue_size = 32;
    start();
    ChecksumRequest request{34, 16, 1448};
    Bytes big = tcp_frame(40000); // 20 buffers
    EXPECT_TRUE(send(big, &request));
    EXPECT_FALSE(send(big, &request)) << "12 buffers left";
    EXPECT_TRUE(send(tcp_frame(100)));
    net.flush();
    auto chains = device.take_chains(VirtioNetDevice::transmit_queue);
    ASSERT_EQ(chains.size(), 2u);
    device.complete(VirtioNetDevice::transmit_queue, chains[0].front().id, 0);
    EXPECT_TRUE(send(big, &request));
    EXPECT_FALSE(net.is_broken());
}
