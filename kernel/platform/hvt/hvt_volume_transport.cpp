#include "platform/hvt/hvt_volume_transport.h"

#include "fs/p9/volume_list.h"
#include "lib/log.h"
#include "lib/utility.h"
#include "platform/hvt/hypercall.h"

#include <ingot/abi/memory_layout.h>
#include <ingot/abi/volumes.h>

namespace kernel::hvt {

namespace {

HvtVolumeTransport volume_transports[abi::max_volumes];

} // namespace

// The monitor's table is trusted no more than any guest input would be trusted by it: counts
// and lengths are bounded before use.
void start_volumes(const abi::VolumeTable& table) {
    uint32_t count = min(table.count, abi::max_volumes);
    for (uint32_t i = 0; i < count; ++i) {
        const abi::VolumeEntry& entry = table.entries[i];
        StringView path(entry.path, min(entry.path_length, abi::volume_path_capacity));
        if (auto started = volume_transports[i].initialize(i); started.is_error()) {
            klog("no memory for volume %u: it is not mounted", i);
            continue;
        }
        p9::add_volume(volume_transports[i], path, entry.read_only);
    }
}

ErrorOr<void> HvtVolumeTransport::initialize(uint32_t index) {
    m_index = index;
    size_t frames = 2 * align_up(message_bytes, abi::page_size) / abi::page_size;
    m_physical = TRY(frame_allocator().allocate_contiguous(frames, Zeroed::No));
    m_request = frame_allocator().to_virtual(m_physical);
    m_response = m_request + align_up(message_bytes, abi::page_size);
    return {};
}

ErrorOr<size_t> HvtVolumeTransport::exchange(size_t length) {
    abi::VolumeRequestArgs arguments{};
    arguments.volume = m_index;
    arguments.request = m_physical;
    arguments.request_length = length;
    arguments.response = m_physical + align_up(message_bytes, abi::page_size);
    arguments.response_capacity = message_bytes;
    hypercall(abi::Hypercall::VolumeRequest, arguments);
    if (arguments.result < 0 || static_cast<uint64_t>(arguments.result) > message_bytes)
        return EIO;
    return static_cast<size_t>(arguments.result);
}

} // namespace kernel::hvt
