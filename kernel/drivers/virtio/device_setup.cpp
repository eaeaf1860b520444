#include "drivers/virtio/device_setup.h"

namespace kernel::virtio {

namespace {

// A reset may complete asynchronously; devices seen so far finish at once, so this only keeps
// a broken one from hanging boot.
constexpr int reset_polls = 100000;

ErrorOr<void> reset(Transport& transport) {
    transport.set_status(0);
    for (int i = 0; i < reset_polls; ++i) {
        if (transport.status() == 0)
            return {};
    }
    return ETIMEDOUT;
}

void add_status(Transport& transport, uint8_t bits) {
    transport.set_status(static_cast<uint8_t>(transport.status() | bits));
}

} // namespace

ErrorOr<uint64_t> negotiate_features(Transport& transport, uint64_t supported,
                                     uint64_t (*settle)(uint64_t accepted)) {
    if (auto result = reset(transport); result.is_error()) {
        mark_failed(transport);
        return result.error();
    }
    add_status(transport, status_acknowledge);
    add_status(transport, status_driver);

    uint64_t offered = transport.device_features();
    if (!(offered & feature_version_1)) {
        mark_failed(transport);
        return ENODEV;
    }
    uint64_t accepted = offered & (supported | feature_version_1);
    if (settle)
        accepted = settle(accepted);
    transport.set_driver_features(accepted);
    add_status(transport, status_features_ok);
    // The device clears FEATURES_OK when it cannot work with the subset we accepted.
    if (!(transport.status() & status_features_ok)) {
        mark_failed(transport);
        return EIO;
    }
    return accepted;
}

ErrorOr<void> set_driver_ok(Transport& transport) {
    add_status(transport, status_driver_ok);
    if (transport.status() & status_device_needs_reset) {
        mark_failed(transport);
        return EIO;
    }
    return {};
}

void mark_failed(Transport& transport) {
    add_status(transport, status_failed);
}

} // namespace kernel::virtio
