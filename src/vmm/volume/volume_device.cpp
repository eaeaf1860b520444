#include "vmm/volume/volume_device.h"

#include "support/error.h"
#include "vmm/guest_fault.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ingot {

namespace {

// Each fid may hold three descriptors (the file, its directory, an open one).
void raise_descriptor_limit(size_t volumes) {
    rlimit limit;
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return;
    rlim_t wanted = 64 + volumes * 3 * P9Server::max_fids;
    if (limit.rlim_cur < wanted) {
        limit.rlim_cur = std::min(wanted, limit.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace

VolumeDevice::VolumeDevice(GuestMemory& memory, const std::vector<VolumeSpec>& volumes)
    : m_memory(memory), m_request(kernel::p9::maximum_message_size),
      m_response(kernel::p9::maximum_message_size) {
    raise_descriptor_limit(volumes.size());
    for (const auto& volume : volumes) {
        int root = ::open(volume.host.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
            fail("-v {}: {}", volume.host, system_error_text(errno));
        m_servers.push_back(std::make_unique<P9Server>(root, volume.read_only));
        abi::VolumeEntry& entry = m_table.entries[m_table.count++];
        entry.read_only = volume.read_only;
        entry.path_length = static_cast<uint32_t>(volume.guest.size());
        std::memcpy(entry.path, volume.guest.data(), volume.guest.size());
    }
}

int64_t VolumeDevice::request(const abi::VolumeRequestArgs& arguments) {
    ++m_requests;
    if (arguments.volume >= m_servers.size())
        return -ENODEV;
    uint64_t limit = kernel::p9::maximum_message_size;
    if (arguments.request_length > limit || arguments.response_capacity > limit)
        throw GuestFault(fmt::format("a volume request of {} bytes with room for {} exceeds {}",
                                     arguments.request_length, arguments.response_capacity, limit));
    auto request = m_memory.span(arguments.request, arguments.request_length);
    auto response = m_memory.span(arguments.response, arguments.response_capacity);
    if (!request || !response)
        throw GuestFault(fmt::format("a volume request at {:#x} or its response at {:#x} lies "
                                     "outside guest memory",
                                     arguments.request, arguments.response));
    std::memcpy(m_request.data(), request->data(), request->size());
    size_t length = m_servers[arguments.volume]->serve(m_request.data(), request->size(),
                                                       m_response.data(), response->size());
    std::memcpy(response->data(), m_response.data(), length);
    return static_cast<int64_t>(length);
}

} // namespace ingot
