#include "kernel/kernel_test_support.h"

#include "drivers/virtio/device_setup.h"

namespace {

using namespace kernel::virtio;
using kernel_test::value_of;

// A device that records what the driver wrote and reacts as the spec lets a device react.
class FakeTransport final : public Transport {
public:
    uint8_t status() override { return m_status; }
    void set_status(uint8_t status) override {
        writes.push_back(status);
        if (status == 0 && reset_never_completes)
            return;
        // A device that dislikes the driver's features does not set FEATURES_OK.
        if (refuses_features)
            status &= static_cast<uint8_t>(~status_features_ok);
        if (needs_reset_after_driver_ok && (status & status_driver_ok))
            status |= status_device_needs_reset;
        m_status = status;
    }
    uint64_t device_features() override { return offered; }
    void set_driver_features(uint64_t features) override {
        driver_features = features;
        status_when_features_written = m_status;
    }
    uint16_t queue_max_size(uint16_t) override { return 0; }
    kernel::ErrorOr<void> enable_queue(uint16_t, uint16_t, const QueueAddresses&) override {
        return kernel::ENOSYS;
    }
    void notify(uint16_t) override {}
    uint32_t acknowledge_interrupt() override { return 0; }
    volatile void* device_config() override { return nullptr; }

    uint64_t offered = feature_version_1;
    bool refuses_features = false;
    bool reset_never_completes = false;
    bool needs_reset_after_driver_ok = false;
    uint64_t driver_features = ~0ull;
    uint8_t status_when_features_written = 0;
    std::vector<uint8_t> writes;

private:
    uint8_t m_status = status_acknowledge | status_driver | status_driver_ok; // left over
};

constexpr uint64_t feature_ring_event_index = 1ull << 29;
constexpr uint64_t feature_access_platform = 1ull << 33;

TEST(VirtioDeviceSetup, WalksTheStatusSequenceOfTheSpec) {
    FakeTransport device;
    EXPECT_EQ(value_of(negotiate_features(device, 0)), feature_version_1);
    ASSERT_OK(set_driver_ok(device));
    const uint8_t ack = status_acknowledge, driver = ack | status_driver,
                  features_ok = driver | status_features_ok, live = features_ok | status_driver_ok;
    EXPECT_EQ(device.writes, (std::vector<uint8_t>{0, ack, driver, features_ok, live}));
    EXPECT_EQ(device.status_when_features_written, driver);
    EXPECT_EQ(device.status(), live);
}

TEST(VirtioDeviceSetup, AcceptsOnlyOfferedFeaturesTheDriverSupports) {
    FakeTransport device;
    device.offered = feature_version_1 | feature_ring_event_index | feature_access_platform;
    EXPECT_EQ(value_of(negotiate_features(device, feature_ring_event_index | (1ull << 5))),
              feature_version_1 | feature_ring_event_index);
    EXPECT_EQ(device.driver_features, feature_version_1 | feature_ring_event_index);
}

TEST(VirtioDeviceSetup, LegacyOnlyDeviceIsEnodevAndFailed) {
    FakeTransport device;
    device.offered = feature_ring_event_index;
    EXPECT_ERRNO(negotiate_features(device, feature_ring_event_index), ENODEV);
    EXPECT_EQ(device.driver_features, ~0ull) << "features must not be written";
    EXPECT_TRUE(device.status() & status_failed);
    EXPECT_FALSE(device.status() & status_features_ok);
}

TEST(VirtioDeviceSetup, DeviceRefusingTheFeaturesIsEioAndFailed) {
    FakeTransport device;
    device.refuses_features = true;
    EXPECT_ERRNO(negotiate_features(device, 0), EIO);
    EXPECT_TRUE(device.status() & status_failed);
}

TEST(VirtioDeviceSetup, ResetThatNeverCompletesIsEtimedout) {
    FakeTransport device;
    device.reset_never_completes = true;
    EXPECT_ERRNO(negotiate_features(device, 0), ETIMEDOUT);
    EXPECT_EQ(device.driver_features, ~0ull);
    EXPECT_EQ(device.writes.back() & status_failed, status_failed);
}

TEST(VirtioDeviceSetup, DeviceNeedingResetAfterDriverOkIsEio) {
    FakeTransport device;
    device.needs_reset_after_driver_ok = true;
    (void)value_of(negotiate_features(device, 0));
    EXPECT_ERRNO(set_driver_ok(device), EIO);
    EXPECT_TRUE(device.status() & status_failed);
}

} // namespace
