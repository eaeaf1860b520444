// The hvt monitor's volumes: one 9P server per `-v` and the VolumeRequest hypercall that
// reaches them (include/ingot/abi/volumes.h). The guest is untrusted: the request and response
// areas are checked against guest memory on every call (a GuestFault when outside), and the
// request is copied out before the server reads it, so the guest cannot change it meanwhile.
#pragma once

#include "vmm/guest_memory.h"
#include "vmm/volume/p9_server.h"
#include "vmm/volume/volume_spec.h"

#include <ingot/abi/volumes.h>

#include <memory>
#include <vector>

namespace ingot {

class VolumeDevice {
public:
    // Opens every volume's directory now, while the monitor may still open files; throws
    // UserError when one cannot be. Raises the descriptor limit to what the servers may hold.
    VolumeDevice(GuestMemory& memory, const std::vector<VolumeSpec>& volumes);

    // What BootInfo::volumes points at.
    abi::VolumeTable table() const { return m_table; }

    // The VolumeRequest hypercall: the response's length, or -ENODEV for no such volume.
    int64_t request(const abi::VolumeRequestArgs& arguments);

    uint64_t requests() const { return m_requests; }

private:
    GuestMemory& m_memory;
    abi::VolumeTable m_table{};
    std::vector<std::unique_ptr<P9Server>> m_servers;
    std::vector<uint8_t> m_request;
    std::vector<uint8_t> m_response;
    uint64_t m_requests = 0;
};

} // namespace ingot
