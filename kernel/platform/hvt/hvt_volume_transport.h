// A volume on hvt: each 9P message is one VolumeRequest hypercall (include/ingot/abi/
// volumes.h), which the monitor answers before the vCPU resumes. The client waits for every
// response anyway, so a ring would add nothing but counters to check: the exit is the same.
// Part of the volumes component (abi::component_volumes); a kernel without it has
// components/without_volumes.cpp's start_volumes instead.
#pragma once

#include "fs/p9/transport.h"
#include "lib/error_or.h"
#include "mm/frame_allocator.h"

#include <ingot/abi/volumes.h>

#include <stdint.h>

namespace kernel::hvt {

class HvtVolumeTransport final : public p9::Transport {
public:
    // The request and response buffers of volume `index`; ENOMEM when memory is short.
    ErrorOr<void> initialize(uint32_t index);

    uint32_t message_size() const override { return message_bytes; }
    uint8_t* request_buffer() override { return m_request; }
    uint8_t* response_buffer() override { return m_response; }
    ErrorOr<size_t> exchange(size_t length) override;

private:
    // 64 KiB of data per read or write: sixteen pages per exit.
    static constexpr uint32_t message_bytes = 64 * 1024 + 4096;

    uint32_t m_index = 0;
    PhysicalAddress m_physical = 0; // request, then response
    uint8_t* m_request = nullptr;
    uint8_t* m_response = nullptr;
};

// Hands the volume list (fs/p9/volume_list.h) a transport for each volume of the monitor's
// table (BootInfo::volumes).
void start_volumes(const abi::VolumeTable& table);

} // namespace kernel::hvt
