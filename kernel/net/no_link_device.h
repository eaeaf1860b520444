// The device of a VM without a network card: nothing leaves or arrives, but the stack over it
// still carries 127.0.0.1, so a program can talk to itself as it would on Linux's `lo`.
#pragma once

#include "net/net_device.h"

namespace kernel::net {

class NoLinkDevice final : public NetDevice {
public:
    MacAddress mac_address() const override { return {}; }
    size_t mtu() const override { return 1500; }
    bool offers_checksum_offload() const override { return false; }
    size_t tcp_segmentation_limit(IpVersion) const override { return mtu(); }
    // Only loopback traffic exists, and the stack never hands that to a device.
    bool transmit(const TransmitFragment*, size_t, const ChecksumRequest*) override { return true; }
    void flush() override {}
    bool is_transmitting() override { return false; }
    size_t receive(FrameReceiver&, size_t) override { return 0; }
    bool has_received() const override { return false; }
};

} // namespace kernel::net
