#include "kernel/kernel_test_support.h"

#include "drivers/virtio/console_device.h"

namespace {

using namespace kernel::virtio;
using kernel::FrameAllocator;
using kernel_test::GuestRam;
using Bytes = std::vector<uint8_t>;

constexpr uint64_t memory_size = 4 << 20;
constexpr uint64_t first_free = 1 << 20;
constexpr uint32_t port = 1;
constexpr uint16_t receive_queue = VirtioConsoleDevice::receive_queue_of(port);
constexpr uint16_t transmit_queue = receive_queue + 1;

// A multiport virtio-console over guest RAM. The test plays the device on the rings: it takes
// what the driver made available and returns it with whatever ids and lengths it likes. Like
// QEMU, it reads control messages as the driver notifies and answers DEVICE_READY with
// DEVICE_ADD for `ports`, and PORT_READY with PORT_OPEN when the host side is connected.
class FakeConsoleTransport final : public Transport {
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

    explicit FakeConsoleTransport(GuestRam& ram) : m_ram(ram) {}

    uint8_t status() override { return m_status; }
    void set_status(uint8_t status) override { m_status = status; }
    uint64_t device_features() override { return offered; }
    void set_driver_features(uint64_t features) override { driver_features = features; }
    uint16_t queue_max_size(uint16_t index) override {
        return index < 2 * (max_ports + 1) ? max_queue_size : 0;
    }
    kernel::ErrorOr<void> enable_queue(uint16_t index, uint16_t size,
                                       const QueueAddresses& addresses) override {
        queues[index].size = size;
        queues[index].addresses = addresses;
        return {};
    }
    void notify(uint16_t index) override {
        ++queues[index].notifications;
        if (index == VirtioConsoleDevice::control_transmit_queue && answer_control)
            answer_control_messages();
    }
    uint32_t acknowledge_interrupt() override { return 0; }
    volatile void* device_config() override { return config; }

    std::vector<Descriptor> take_available(uint16_t index) {
        Queue& queue = queues[index];
        std::vector<Descriptor> taken;
        while (queue.next_available != read16(queue.addresses.available + 2)) {
            uint16_t slot = queue.next_available++ % queue.size;
            uint16_t head = read16(queue.addresses.available + 4 + 2 * slot);
            VirtqDescriptor descriptor;
            std::memcpy(&descriptor, at(queue.addresses.descriptors + 16 * head), 16);
            EXPECT_FALSE(descriptor.flags & descriptor_flag_next) << "one buffer per chain";
            taken.push_back({head, descriptor.address, descriptor.length, descriptor.flags});
        }
        return taken;
    }

    void complete(uint16_t index, uint32_t id, uint32_t length) {
        Queue& queue = queues[index];
        VirtqUsedElement element{id, length};
        std::memcpy(at(queue.addresses.used + 4 + 8 * (queue.used_index % queue.size)), &element,
                    8);
        ++queue.used_index;
        std::memcpy(at(queue.addresses.used + 2), &queue.used_index, 2);
    }

    // Puts a control message into the next control receive buffer.
    void send_control(uint32_t id, uint16_t event, uint16_t value, uint32_t length = 8) {
        auto more = take_available(VirtioConsoleDevice::control_receive_queue);
        control_buffers.insert(control_buffers.end(), more.begin(), more.end());
        ASSERT_FALSE(control_buffers.empty()) << "the driver posted no control buffers";
        auto buffer = control_buffers.front();
        control_buffers.erase(control_buffers.begin());
        ConsoleControl message{id, event, value};
        std::memcpy(at(buffer.address), &message, std::min<uint32_t>(8, buffer.length));
        complete(VirtioConsoleDevice::control_receive_queue, buffer.id, length);
    }

    void answer_control_messages() {
        for (auto& sent : take_available(VirtioConsoleDevice::control_transmit_queue)) {
            ConsoleControl message;
            EXPECT_EQ(sent.length, sizeof message);
            EXPECT_FALSE(sent.flags & descriptor_flag_write);
            std::memcpy(&message, at(sent.address), sizeof message);
            received_control.push_back(message);
            complete(VirtioConsoleDevice::control_transmit_queue, sent.id, 0);
            if (message.event == console_device_ready && message.value == 1) {
                for (uint32_t added : ports)
                    send_control(added, console_device_add, 1);
            } else if (message.event == console_port_ready && message.value == 1 &&
                       host_connected) {
                send_control(message.id, console_port_open, 1);
            }
        }
    }

    uint8_t* at(uint64_t physical) const { return m_ram.base() + physical; }

    uint64_t offered = feature_version_1 | console_feature_multiport;
    uint64_t driver_features = 0;
    uint16_t max_queue_size = 64;
    uint32_t max_ports = 2;
    // cols, rows, max_nr_ports, emerg_wr
    uint8_t config[12] = {80, 0, 25, 0, 2, 0, 0, 0};
    std::vector<uint32_t> ports = {0, port};
    bool host_connected = true;
    bool answer_control = true;
    std::vector<ConsoleControl> received_control;
    std::vector<Descriptor> control_buffers;
    Queue queues[8];

private:
    uint16_t read16(uint64_t physical) const {
        uint16_t value;
        std::memcpy(&value, m_ram.base() + physical, 2);
        return value;
    }

    GuestRam& m_ram;
    uint8_t m_status = 0;
};

Bytes pattern(size_t length, uint8_t seed = 1) {
    Bytes bytes(length);
    for (size_t i = 0; i < length; ++i)
        bytes[i] = static_cast<uint8_t>(seed + i * 13);
    return bytes;
}

class VirtioConsoleDeviceTest : public ::testing::Test {
protected:
    VirtioConsoleDeviceTest() : ram(memory_size), device(ram) {
        frames.initialize(ram.base(), memory_size, first_free, true);
    }

    void start() {
        ASSERT_OK(console->initialize(device, frames, port));
        ASSERT_OK(console->poll_control());
        ASSERT_TRUE(console->is_open());
        receive_buffers = device.take_available(receive_queue);
    }

    // The device writes `bytes` into the next receive buffers, a buffer's worth each.
    void deliver(const Bytes& bytes) {
        for (size_t done = 0; done < bytes.size();) {
            if (receive_buffers.empty())
                collect_reposted();
            ASSERT_FALSE(receive_buffers.empty()) << "the driver posted too few buffers";
            auto buffer = receive_buffers.front();
            receive_buffers.erase(receive_buffers.begin());
            size_t length = std::min<size_t>(buffer.length, bytes.size() - done);
            std::memcpy(device.at(buffer.address), bytes.data() + done, length);
            device.complete(receive_queue, buffer.id, static_cast<uint32_t>(length));
            done += length;
        }
    }

    void collect_reposted() {
        auto more = device.take_available(receive_queue);
        receive_buffers.insert(receive_buffers.end(), more.begin(), more.end());
    }

    Bytes read_all(size_t chunk = 1000) {
        Bytes bytes;
        for (;;) {
            Bytes piece(chunk);
            size_t n = kernel_test::value_of(console->read(piece.data(), piece.size()));
            if (n == 0)
                return bytes;
            bytes.insert(bytes.end(), piece.begin(), piece.begin() + static_cast<long>(n));
        }
    }

    // The device takes every transmit buffer made available and returns it; the bytes in order.
    Bytes transmitted() {
        Bytes bytes;
        for (auto& buffer : device.take_available(transmit_queue)) {
            EXPECT_FALSE(buffer.flags & descriptor_flag_write);
            bytes.insert(bytes.end(), device.at(buffer.address),
                         device.at(buffer.address) + buffer.length);
            device.complete(transmit_queue, buffer.id, 0);
        }
        return bytes;
    }

    size_t write(const Bytes& bytes) {
        return kernel_test::value_of(console->write(bytes.data(), bytes.size()));
    }

    GuestRam ram;
    FrameAllocator frames;
    FakeConsoleTransport device;
    std::unique_ptr<VirtioConsoleDevice> console = std::make_unique<VirtioConsoleDevice>();
    std::vector<FakeConsoleTransport::Descriptor> receive_buffers;
};

TEST_F(VirtioConsoleDeviceTest, OpensItsPortAndRefusesTheOthers) {
    start();
    EXPECT_EQ(device.driver_features, feature_version_1 | console_feature_multiport);
    EXPECT_TRUE(device.status() & status_driver_ok);
    ASSERT_EQ(device.received_control.size(), 4u);
    auto is = [](const ConsoleControl& message, uint32_t id, uint16_t event, uint16_t value) {
        return message.id == id && message.event == event && message.value == value;
    };
    EXPECT_TRUE(is(device.received_control[0], 0, console_device_ready, 1));
    EXPECT_TRUE(is(device.received_control[1], 0, console_port_ready, 0));
    EXPECT_TRUE(is(device.received_control[2], port, console_port_ready, 1));
    EXPECT_TRUE(is(device.received_control[3], port, console_port_open, 1));
    EXPECT_EQ(receive_buffers.size(), VirtioConsoleDevice::receive_buffer_count);
    for (auto& buffer : receive_buffers) {
        EXPECT_EQ(buffer.length, VirtioConsoleDevice::receive_buffer_size);
        EXPECT_TRUE(buffer.flags & descriptor_flag_write);
    }
}

TEST_F(VirtioConsoleDeviceTest, WaitsForTheHostSide) {
    device.host_connected = false;
    ASSERT_OK(console->initialize(device, frames, port));
    ASSERT_OK(console->poll_control());
    EXPECT_FALSE(console->is_open());
    device.send_control(port, console_port_open, 1);
    ASSERT_OK(console->poll_control());
    EXPECT_TRUE(console->is_open());
    device.send_control(port, console_port_open, 0);
    ASSERT_OK(console->poll_control());
    EXPECT_FALSE(console->is_open());
}

TEST_F(VirtioConsoleDeviceTest, NeedsMultiportAndEnoughPorts) {
    device.offered = feature_version_1;
    EXPECT_ERRNO(console->initialize(device, frames, port), ENODEV);
    EXPECT_TRUE(device.status() & status_failed);
    device.offered = feature_version_1 | console_feature_multiport;
    device.config[4] = 1; // port 0 only
    console = std::make_unique<VirtioConsoleDevice>();
    EXPECT_ERRNO(console->initialize(device, frames, port), ENODEV);
    device.config[4] = 2;
    console = std::make_unique<VirtioConsoleDevice>();
    EXPECT_ERRNO(console->initialize(device, frames, 0), ENODEV);
}

TEST_F(VirtioConsoleDeviceTest, ReadsInOrderAcrossBuffersAndRepostsThem) {
    start();
    Bytes sent = pattern(3 * VirtioConsoleDevice::receive_buffer_size + 100);
    deliver(sent);
    size_t before = device.queues[receive_queue].notifications;
    EXPECT_EQ(read_all(777), sent);
    collect_reposted();
    EXPECT_EQ(receive_buffers.size(), VirtioConsoleDevice::receive_buffer_count);
    EXPECT_GT(device.queues[receive_queue].notifications, before);
    // Many times the buffers' worth, each buffer back with the device once read.
    Bytes more = pattern(VirtioConsoleDevice::receive_buffer_count *
                             VirtioConsoleDevice::receive_buffer_size * 3,
                         7);
    Bytes got;
    for (size_t done = 0; done < more.size(); done += 8192) {
        deliver(Bytes(more.begin() + static_cast<long>(done),
                      more.begin() + static_cast<long>(std::min(more.size(), done + 8192))));
        Bytes piece = read_all(5000);
        got.insert(got.end(), piece.begin(), piece.end());
    }
    EXPECT_EQ(got, more);
}

TEST_F(VirtioConsoleDeviceTest, AnEmptyBufferIsRepostedAtOnce) {
    start();
    auto buffer = receive_buffers.front();
    receive_buffers.erase(receive_buffers.begin());
    device.complete(receive_queue, buffer.id, 0);
    EXPECT_EQ(read_all(), Bytes{});
    collect_reposted();
    EXPECT_EQ(receive_buffers.size(), VirtioConsoleDevice::receive_buffer_count);
}

TEST_F(VirtioConsoleDeviceTest, WritesFillWholeBuffersAndFlushSendsTheRest) {
    start();
    Bytes data = pattern(VirtioConsoleDevice::transmit_buffer_size * 2 + 10);
    EXPECT_EQ(write(data), data.size());
    Bytes first = transmitted();
    EXPECT_EQ(first.size(), VirtioConsoleDevice::transmit_buffer_size * 2);
    ASSERT_OK(console->flush());
    Bytes rest = transmitted();
    first.insert(first.end(), rest.begin(), rest.end());
    EXPECT_EQ(first, data);
    EXPECT_TRUE(kernel_test::value_of(console->drained()));
}

TEST_F(VirtioConsoleDeviceTest, ASlowHostHoldsTheWriterBackWithoutLosingBytes) {
    start();
    Bytes data = pattern(VirtioConsoleDevice::transmit_buffer_size *
                         (VirtioConsoleDevice::transmit_buffer_count + 3));
    size_t taken = write(data);
    EXPECT_EQ(taken, size_t(VirtioConsoleDevice::transmit_buffer_size) *
                         VirtioConsoleDevice::transmit_buffer_count);
    EXPECT_EQ(write(Bytes{1, 2, 3}), 0u);
    EXPECT_FALSE(kernel_test::value_of(console->drained()));
    Bytes out = transmitted();
    while (taken < data.size()) {
        taken += kernel_test::value_of(console->write(data.data() + taken, data.size() - taken));
        ASSERT_OK(console->flush());
        Bytes more = transmitted();
        out.insert(out.end(), more.begin(), more.end());
    }
    EXPECT_EQ(out, data);
    EXPECT_TRUE(kernel_test::value_of(console->drained()));
}

TEST_F(VirtioConsoleDeviceTest, AHostileUsedRingBreaksTheDeviceCleanly) {
    start();
    // An id the driver never made available.
    device.complete(receive_queue, 1000, 10);
    Bytes buffer(10);
    EXPECT_ERRNO(console->read(buffer.data(), buffer.size()), EIO);
    EXPECT_ERRNO(console->read(buffer.data(), buffer.size()), EIO);
    EXPECT_ERRNO(console->write(buffer.data(), buffer.size()), EIO);
    EXPECT_TRUE(device.status() & status_failed);
}

TEST_F(VirtioConsoleDeviceTest, AReceiveLengthPastTheBufferIsRefused) {
    start();
    auto buffer = receive_buffers.front();
    device.complete(receive_queue, buffer.id, VirtioConsoleDevice::receive_buffer_size + 1);
    Bytes out(100);
    EXPECT_ERRNO(console->read(out.data(), out.size()), EIO);
}

TEST_F(VirtioConsoleDeviceTest, ATransmitCompletionTwiceIsRefused) {
    start();
    EXPECT_EQ(write(pattern(10)), 10u);
    ASSERT_OK(console->flush());
    auto sent = device.take_available(transmit_queue);
    ASSERT_EQ(sent.size(), 1u);
    device.complete(transmit_queue, sent[0].id, 0);
    device.complete(transmit_queue, sent[0].id, 0);
    EXPECT_ERRNO(console->drained(), EIO);
}

TEST_F(VirtioConsoleDeviceTest, TruncatedControlMessagesAndRemovalBreakIt) {
    start();
    device.send_control(port, console_port_open, 1, 4);
    EXPECT_ERRNO(console->poll_control(), EIO);
    EXPECT_FALSE(console->is_open());

    // A new driver on the reset device, which forgets its rings.
    console = std::make_unique<VirtioConsoleDevice>();
    device.control_buffers.clear();
    device.received_control.clear();
    for (auto& queue : device.queues)
        queue = {};
    start();
    device.send_control(port, console_device_remove, 1);
    EXPECT_ERRNO(console->poll_control(), EIO);
}

TEST_F(VirtioConsoleDeviceTest, ADeviceThatNeverReadsControlMessagesIsGivenUp) {
    device.answer_control = false;
    ASSERT_OK(console->initialize(device, frames, port));
    // Announce ports forever while never taking the driver's answers.
    kernel::ErrorOr<void> result;
    for (int i = 0; i < 40 && !result.is_error(); ++i) {
        device.send_control(100 + i, console_device_add, 1);
        result = console->poll_control();
    }
    EXPECT_ERRNO(result, EIO);
}

} // namespace
