// The VolumeRequest hypercall's monitor side: a message in guest memory reaches the volume's
// server and its response comes back, and areas the guest names outside its memory or beyond
// the size limit stop the VM (GuestFault) instead of being read or written.
#include "vmm/guest_fault.h"
#include "vmm/guest_memory.h"
#include "vmm/volume/volume_device.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>

namespace ingot {
namespace {

namespace p9 = kernel::p9;

constexpr uint64_t memory_size = 1 << 20;
constexpr uint64_t request_address = 0x1000;
constexpr uint64_t response_address = 0x40000;

class VolumeDeviceTest : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/ingot-volume-device-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        m_directory = pattern;
        m_device = std::make_unique<VolumeDevice>(
            m_memory, std::vector<VolumeSpec>{{m_directory, "/data", true}});
    }
    void TearDown() override { std::filesystem::remove_all(m_directory); }

    // A Tversion written into guest memory: its length.
    uint64_t write_version() {
        auto bytes = m_memory.span(request_address, 64);
        p9::Writer writer(bytes->data(), bytes->size());
        writer.begin(p9::MessageType::Tversion, p9::no_tag);
        writer.u32(8192);
        writer.string("9P2000.L", 8);
        return writer.finish();
    }

    abi::VolumeRequestArgs arguments(uint64_t length) {
        abi::VolumeRequestArgs request{};
        request.request = request_address;
        request.request_length = length;
        request.response = response_address;
        request.response_capacity = 4096;
        return request;
    }

    GuestMemory m_memory{memory_size};
    std::string m_directory;
    std::unique_ptr<VolumeDevice> m_device;
};

TEST_F(VolumeDeviceTest, AMessageInGuestMemoryGetsItsResponseThere) {
    int64_t length = m_device->request(arguments(write_version()));
    ASSERT_GT(length, 0);
    auto response = m_memory.span(response_address, static_cast<uint64_t>(length));
    p9::Header header;
    ASSERT_TRUE(p9::read_header(response->data(), response->size(), 8192, header));
    EXPECT_EQ(header.type, p9::MessageType::Rversion);
    abi::VolumeTable table = m_device->table();
    EXPECT_EQ(table.count, 1u);
    EXPECT_EQ(std::string(table.entries[0].path, table.entries[0].path_length), "/data");
    EXPECT_EQ(table.entries[0].read_only, 1);
}

TEST_F(VolumeDeviceTest, AnUnknownVolumeIsEnodev) {
    auto request = arguments(write_version());
    request.volume = 1;
    EXPECT_EQ(m_device->request(request), -ENODEV);
    request.volume = 0xffffffff;
    EXPECT_EQ(m_device->request(request), -ENODEV);
}

TEST_F(VolumeDeviceTest, AreasOutsideGuestMemoryOrTooLargeStopTheGuest) {
    uint64_t length = write_version();
    auto request = arguments(length);
    request.request = memory_size - 4;
    EXPECT_THROW(m_device->request(request), GuestFault);
    request = arguments(length);
    request.response = UINT64_MAX - 16;
    EXPECT_THROW(m_device->request(request), GuestFault);
    request = arguments(length);
    request.request_length = UINT64_MAX;
    EXPECT_THROW(m_device->request(request), GuestFault);
    request = arguments(length);
    request.response_capacity = p9::maximum_message_size + 1;
    EXPECT_THROW(m_device->request(request), GuestFault);
}

TEST_F(VolumeDeviceTest, AResponseTooSmallForAnyMessageIsEmpty) {
    auto request = arguments(write_version());
    request.response_capacity = 4;
    EXPECT_EQ(m_device->request(request), 0);
}

} // namespace
} // namespace ingot
