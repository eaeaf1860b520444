#include "kernel/kernel_test_support.h"

#include "drivers/virtio/split_virtqueue.h"

namespace {

using kernel::virtio::descriptor_flag_next;
using kernel::virtio::descriptor_flag_write;
using kernel::virtio::SplitVirtqueue;
using kernel::virtio::VirtqDescriptor;
using kernel::virtio::VirtqUsedElement;
using kernel_test::GuestRam;
using kernel_test::value_of;
using Buffer = SplitVirtqueue::Buffer;

constexpr uint64_t queue_physical = 0x1000;
constexpr uint64_t buffers_physical = 0x10000;

// Plays the device: reads the rings from guest RAM by physical address, as a device would,
// fills every device-writable buffer with a pattern and returns the chains in the used ring.
class FakeDevice {
public:
    FakeDevice(GuestRam& ram, const SplitVirtqueue& queue) : m_ram(ram), m_queue(queue) {}

    // Takes every newly available chain; returns how many.
    size_t consume(uint8_t fill = 0xab) {
        size_t taken = 0;
        while (m_next_available != available_index()) {
            uint16_t head = available_ring(m_next_available % m_queue.size());
            ++m_next_available;
            uint32_t written = 0;
            m_chains.push_back(walk_chain(head, fill, written));
            complete(head, written);
            ++taken;
        }
        return taken;
    }

    // Appends a used element as the device would, whatever its contents.
    void complete(uint32_t id, uint32_t length) {
        auto* ring = reinterpret_cast<VirtqUsedElement*>(used_bytes() + 4);
        ring[m_used_index % m_queue.size()] = {id, length};
        ++m_used_index;
        std::memcpy(used_bytes() + 2, &m_used_index, 2);
    }

    void set_used_index(uint16_t index) {
        m_used_index = index;
        std::memcpy(used_bytes() + 2, &m_used_index, 2);
    }

    uint16_t available_index() const { return read16(m_queue.addresses().available + 2); }
    uint16_t available_flags() const { return read16(m_queue.addresses().available); }

    // The descriptors of every chain consumed so far, in order.
    const std::vector<std::vector<VirtqDescriptor>>& chains() const { return m_chains; }

private:
    std::vector<VirtqDescriptor> walk_chain(uint16_t head, uint8_t fill, uint32_t& written) {
        std::vector<VirtqDescriptor> chain;
        uint16_t index = head;
        for (;;) {
            EXPECT_LT(index, m_queue.size());
            VirtqDescriptor descriptor;
            std::memcpy(&descriptor, m_ram.base() + m_queue.addresses().descriptors + 16 * index,
                        16);
            chain.push_back(descriptor);
            if (descriptor.flags & descriptor_flag_write) {
                std::memset(m_ram.base() + descriptor.address, fill, descriptor.length);
                written += descriptor.length;
            }
            if (!(descriptor.flags & descriptor_flag_next) || chain.size() > m_queue.size())
                break;
            index = descriptor.next;
        }
        return chain;
    }
    uint16_t available_ring(uint16_t slot) const {
        return read16(m_queue.addresses().available + 4 + 2 * slot);
    }
    uint16_t read16(uint64_t physical) const {
        uint16_t value;
        std::memcpy(&value, m_ram.base() + physical, 2);
        return value;
    }
    uint8_t* used_bytes() { return m_ram.base() + m_queue.addresses().used; }

    GuestRam& m_ram;
    const SplitVirtqueue& m_queue;
    uint16_t m_next_available = 0;
    uint16_t m_used_index = 0;
    std::vector<std::vector<VirtqDescriptor>> m_chains;
};

class SplitVirtqueueTest : public ::testing::Test {
protected:
    static constexpr uint16_t size = 8;

    SplitVirtqueueTest() : ram(1 << 20), device(ram, queue) {}

    void SetUp() override {
        ASSERT_LE(SplitVirtqueue::memory_size(size), buffers_physical - queue_physical);
        ASSERT_OK(queue.initialize(size, ram.base() + queue_physical, queue_physical));
    }

    Buffer writable(uint64_t offset, uint32_t length) {
        return {buffers_physical + offset, length, true};
    }
    Buffer readable(uint64_t offset, uint32_t length) {
        return {buffers_physical + offset, length, false};
    }
    uint8_t buffer_byte(uint64_t offset) { return ram.base()[buffers_physical + offset]; }

    GuestRam ram;
    SplitVirtqueue queue;
    FakeDevice device;
};

TEST(SplitVirtqueueLayout, MemorySizeCoversAlignedRings) {
    // 16 * 8 descriptors + (4 + 2 * 8 + 2) available, aligned to 4, + (4 + 8 * 8 + 2) used,
    // aligned to 16.
    EXPECT_EQ(SplitVirtqueue::memory_size(8), 224u);
    EXPECT_EQ(SplitVirtqueue::memory_size(256), 6672u); // two frames
}

TEST(SplitVirtqueueLayout, RejectsSizesThatAreNotPowersOfTwoOrTooLarge) {
    GuestRam ram(1 << 16);
    SplitVirtqueue queue;
    EXPECT_ERRNO(queue.initialize(0, ram.base(), 0), EINVAL);
    EXPECT_ERRNO(queue.initialize(6, ram.base(), 0), EINVAL);
    EXPECT_ERRNO(queue.initialize(512, ram.base(), 0), EINVAL);
    EXPECT_EQ(kernel_test::outcome(queue.initialize(1, ram.base(), 0)), "OK");
}

TEST_F(SplitVirtqueueTest, PlacesTheRingsWithTheirAlignment) {
    auto addresses = queue.addresses();
    EXPECT_EQ(addresses.descriptors, queue_physical);
    EXPECT_EQ(addresses.available, queue_physical + 16 * size);
    EXPECT_EQ(addresses.used % 4, 0u);
    EXPECT_GE(addresses.used, addresses.available + 4 + 2 * size + 2);
}

TEST_F(SplitVirtqueueTest, SubmitsOneBufferAndTakesItsCompletion) {
    EXPECT_FALSE(queue.has_completion());
    EXPECT_ERRNO(queue.take_completion(), EAGAIN);

    Buffer buffer = writable(0, 32);
    uint16_t chain = value_of(queue.submit(&buffer, 1));
    EXPECT_EQ(queue.free_descriptors(), size - 1);
    EXPECT_EQ(device.available_index(), 1);
    EXPECT_FALSE(queue.has_completion());

    EXPECT_EQ(device.consume(0x5a), 1u);
    ASSERT_EQ(device.chains().size(), 1u);
    const auto& descriptor = device.chains()[0][0];
    EXPECT_EQ(descriptor.address, buffers_physical);
    EXPECT_EQ(descriptor.length, 32u);
    EXPECT_EQ(descriptor.flags, descriptor_flag_write);

    ASSERT_TRUE(queue.has_completion());
    auto completion = value_of(queue.take_completion());
    EXPECT_EQ(completion.chain, chain);
    EXPECT_EQ(completion.written, 32u);
    EXPECT_EQ(buffer_byte(0), 0x5a);
    EXPECT_EQ(buffer_byte(31), 0x5a);
    EXPECT_EQ(buffer_byte(32), 0);
    EXPECT_EQ(queue.free_descriptors(), size);
    EXPECT_FALSE(queue.has_completion());
}

TEST_F(SplitVirtqueueTest, ChainsReadableBuffersBeforeWritableOnes) {
    Buffer buffers[] = {readable(0, 16), readable(16, 8), writable(64, 100)};
    uint16_t chain = value_of(queue.submit(buffers, 3));
    EXPECT_EQ(queue.free_descriptors(), size - 3);
    device.consume();
    ASSERT_EQ(device.chains().size(), 1u);
    const auto& descriptors = device.chains()[0];
    ASSERT_EQ(descriptors.size(), 3u);
    EXPECT_EQ(descriptors[0].flags, descriptor_flag_next);
    EXPECT_EQ(descriptors[1].flags, descriptor_flag_next);
    EXPECT_EQ(descriptors[2].flags, descriptor_flag_write);
    EXPECT_EQ(descriptors[0].address, buffers_physical);
    EXPECT_EQ(descriptors[1].address, buffers_physical + 16);
    EXPECT_EQ(descriptors[2].address, buffers_physical + 64);
    EXPECT_EQ(descriptors[2].length, 100u);

    auto completion = value_of(queue.take_completion());
    EXPECT_EQ(completion.chain, chain);
    EXPECT_EQ(completion.written, 100u);
    EXPECT_EQ(queue.free_descriptors(), size);
}

TEST_F(SplitVirtqueueTest, RejectsEmptyAndMisorderedChains) {
    Buffer misordered[] = {writable(0, 8), readable(8, 8)};
    EXPECT_ERRNO(queue.submit(misordered, 2), EINVAL);
    EXPECT_ERRNO(queue.submit(misordered, 0), EINVAL);
    EXPECT_EQ(queue.free_descriptors(), size);
    EXPECT_EQ(device.available_index(), 0);
}

TEST_F(SplitVirtqueueTest, FullQueueRefusesWithEnospcUntilAChainReturns) {
    Buffer buffer = writable(0, 4);
    std::set<uint16_t> heads;
    for (uint16_t i = 0; i < size; ++i)
        heads.insert(value_of(queue.submit(&buffer, 1)));
    EXPECT_EQ(heads.size(), size_t{size}) << "a descriptor was handed out twice";
    EXPECT_EQ(queue.free_descriptors(), 0);
    EXPECT_ERRNO(queue.submit(&buffer, 1), ENOSPC);

    device.consume();
    (void)value_of(queue.take_completion());
    EXPECT_EQ(queue.free_descriptors(), 1);
    Buffer two[] = {writable(0, 4), writable(4, 4)};
    EXPECT_ERRNO(queue.submit(two, 2), ENOSPC);
    EXPECT_EQ(kernel_test::outcome(queue.submit(&buffer, 1)), "OK");
}

TEST_F(SplitVirtqueueTest, ReusesFreedDescriptorsWhateverTheCompletionOrder) {
    Buffer chain_of_three[] = {readable(0, 4), writable(8, 4), writable(16, 4)};
    Buffer chain_of_two[] = {readable(32, 4), writable(40, 4)};
    Buffer single = writable(64, 4);
    uint16_t first = value_of(queue.submit(chain_of_three, 3));
    uint16_t second = value_of(queue.submit(chain_of_two, 2));
    uint16_t third = value_of(queue.submit(&single, 1));
    EXPECT_EQ(queue.free_descriptors(), size - 6);

    // The device returns them out of order, as it may.
    device.complete(second, 4);
    device.complete(third, 4);
    device.complete(first, 8);
    EXPECT_EQ(value_of(queue.take_completion()).chain, second);
    EXPECT_EQ(value_of(queue.take_completion()).chain, third);
    EXPECT_EQ(value_of(queue.take_completion()).chain, first);
    EXPECT_EQ(queue.free_descriptors(), size);

    // Every descriptor is usable again, each exactly once.
    Buffer whole[size];
    for (uint16_t i = 0; i < size; ++i)
        whole[i] = writable(8 * i, 8);
    (void)value_of(queue.submit(whole, size));
    EXPECT_EQ(queue.free_descriptors(), 0);
}

TEST_F(SplitVirtqueueTest, KeepsWorkingAcrossIndexWrapAroundPast65535) {
    Buffer buffers[] = {readable(0, 4), writable(8, 4)};
    for (uint32_t round = 0; round < 70000; ++round) {
        uint16_t chain = value_of(queue.submit(buffers, 2));
        ASSERT_EQ(device.consume(static_cast<uint8_t>(round)), 1u) << "round " << round;
        auto completion = value_of(queue.take_completion());
        ASSERT_EQ(completion.chain, chain) << "round " << round;
        ASSERT_EQ(completion.written, 4u);
        ASSERT_EQ(buffer_byte(8), static_cast<uint8_t>(round));
    }
    EXPECT_EQ(device.available_index(), static_cast<uint16_t>(70000));
    EXPECT_EQ(queue.free_descriptors(), size);
}

TEST_F(SplitVirtqueueTest, UnknownUsedIdBreaksTheQueueWithEio) {
    Buffer buffer = writable(0, 4);
    (void)value_of(queue.submit(&buffer, 1));
    device.complete(size + 3, 4); // no such descriptor
    EXPECT_ERRNO(queue.take_completion(), EIO);
    EXPECT_ERRNO(queue.take_completion(), EIO);
    EXPECT_ERRNO(queue.submit(&buffer, 1), EIO);
}

TEST_F(SplitVirtqueueTest, UsedIdOfAChainNotInFlightIsEio) {
    Buffer buffers[] = {writable(0, 4), writable(4, 4)};
    uint16_t head = value_of(queue.submit(buffers, 2));
    device.complete(static_cast<uint16_t>(head + 1), 4); // inside the chain, not its head
    EXPECT_ERRNO(queue.take_completion(), EIO);
}

TEST_F(SplitVirtqueueTest, ReturningAChainTwiceIsEio) {
    Buffer buffer = writable(0, 4);
    uint16_t head = value_of(queue.submit(&buffer, 1));
    device.complete(head, 4);
    device.complete(head, 4);
    (void)value_of(queue.take_completion());
    EXPECT_ERRNO(queue.take_completion(), EIO);
}

TEST_F(SplitVirtqueueTest, WrittenLengthBeyondTheWritableBuffersIsEio) {
    Buffer buffers[] = {readable(0, 64), writable(64, 16)};
    uint16_t head = value_of(queue.submit(buffers, 2));
    device.complete(head, 17);
    EXPECT_ERRNO(queue.take_completion(), EIO);
}

TEST_F(SplitVirtqueueTest, UsedIndexRunningAheadOfWhatWasSubmittedIsEio) {
    Buffer buffer = writable(0, 4);
    (void)value_of(queue.submit(&buffer, 1));
    device.set_used_index(size + 1);
    EXPECT_ERRNO(queue.take_completion(), EIO);
}

TEST_F(SplitVirtqueueTest, SuppressInterruptsSetsTheAvailableRingFlag) {
    EXPECT_EQ(device.available_flags(), 0);
    queue.suppress_interrupts();
    EXPECT_EQ(device.available_flags(), kernel::virtio::available_flag_no_interrupt);
}

} // namespace
