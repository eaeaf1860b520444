#include "vmm/net_device.h"

#include "support/error.h"
#include "vmm/guest_fault.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

namespace ingot {

namespace {

constexpr uint32_t ethernet_header_size = 14;
constexpr uint32_t vlan_tag_size = 4;
constexpr uint32_t default_mtu = 1500;
// The largest frame a tap hands over with segmentation offloads off is MTU-sized; GSO frames
// (up to 64 KiB) only come if the tap was told to offer them, and are dropped.
constexpr size_t overflow_size = 64 * 1024;

// The guest writes its counters and slots while the monitor reads them (in a future I/O
// thread, even at the same time): acquire/release pair each counter with its slots, and
// every value the guest controls is read exactly once, into a local, before it is checked.
uint32_t load_acquire(uint32_t& counter) {
    return std::atomic_ref<uint32_t>(counter).load(std::memory_order_acquire);
}

void store_release(uint32_t& counter, uint32_t value) {
    std::atomic_ref<uint32_t>(counter).store(value, std::memory_order_release);
}

template <typename T> T read_once(const T& shared) {
    T value;
    std::memcpy(&value, &shared, sizeof value);
    std::atomic_signal_fence(std::memory_order_seq_cst); // the checks use `value`, never `shared`
    return value;
}

bool is_power_of_two(uint32_t value) {
    return value && !(value & (value - 1));
}

// The tap's MTU when the host can tell it, bounded by what a slot holds.
uint32_t link_mtu(const std::string& tap_name) {
    uint32_t mtu = default_mtu;
    if (!tap_name.empty() && tap_name.size() < IFNAMSIZ) {
        int probe = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        ifreq request{};
        std::memcpy(request.ifr_name, tap_name.data(), tap_name.size());
        if (probe >= 0 && ::ioctl(probe, SIOCGIFMTU, &request) == 0 && request.ifr_mtu > 0)
            mtu = static_cast<uint32_t>(request.ifr_mtu);
        if (probe >= 0)
            ::close(probe);
    }
    return std::min(mtu, abi::net_frame_capacity - ethernet_header_size - vlan_tag_size);
}

struct Area {
    uint64_t start;
    uint64_t size;
    bool overlaps(const Area& other) const {
        return start < other.start + other.size && other.start < start + size;
    }
};

} // namespace

NetDevice::NetDevice(GuestMemory& memory, const NetworkAttachment& attachment)
    : m_memory(memory), m_fd(attachment.tap_fd), m_overflow(overflow_size) {
    int flags = ::fcntl(m_fd, F_GETFL);
    if (flags < 0 || ::fcntl(m_fd, F_SETFL, flags | O_NONBLOCK) < 0)
        fail("cannot use the network's host side (descriptor {}): {}", m_fd,
             system_error_text(errno));
    const GuestNetworkConfig& guest = attachment.guest;
    std::copy(guest.mac.begin(), guest.mac.end(), m_info.mac);
    m_info.prefix_length = guest.prefix_length;
    m_info.flags = guest.use_dhcp ? abi::network_flag_dhcp : 0;
    m_info.address = guest.address;
    m_info.gateway = guest.gateway;
    m_info.dns = guest.dns;
    m_info.mtu = link_mtu(attachment.tap_name);
    std::copy(guest.address6.begin(), guest.address6.end(), m_info.address6);
    std::copy(guest.gateway6.begin(), guest.gateway6.end(), m_info.gateway6);
    m_info.prefix_length6 = guest.prefix_length6;
}

NetDevice::Ring NetDevice::checked_ring(uint64_t address, uint32_t count, const char* name) {
    if (!is_power_of_two(count) || count > abi::net_max_slots)
        throw GuestFault(fmt::format("network set-up with {} {} slots", count, name));
    if (address % abi::net_ring_alignment)
        throw GuestFault(fmt::format("network {} ring at unaligned {:#x}", name, address));
    auto bytes = m_memory.span(address, uint64_t(count) * sizeof(abi::NetSlot));
    if (!bytes)
        throw GuestFault(
            fmt::format("network {} ring at {:#x} lies outside guest memory", name, address));
    return {reinterpret_cast<abi::NetSlot*>(bytes->data()), count};
}

int64_t NetDevice::set_up(const abi::NetSetupArgs& arguments) {
    if (is_set_up())
        return -EBUSY;
    if (arguments.indexes % abi::net_ring_alignment)
        throw GuestFault(fmt::format("network ring indexes at unaligned {:#x}", arguments.indexes));
    auto indexes = m_memory.span(arguments.indexes, sizeof(abi::NetRingIndexes));
    if (!indexes)
        throw GuestFault(fmt::format("network ring indexes at {:#x} lie outside guest memory",
                                     arguments.indexes));
    Ring transmit =
        checked_ring(arguments.transmit_slots, arguments.transmit_slot_count, "transmit");
    Ring receive = checked_ring(arguments.receive_slots, arguments.receive_slot_count, "receive");
    Area areas[] = {{arguments.indexes, sizeof(abi::NetRingIndexes)},
                    {arguments.transmit_slots, uint64_t(transmit.count) * sizeof(abi::NetSlot)},
                    {arguments.receive_slots, uint64_t(receive.count) * sizeof(abi::NetSlot)}};
    for (size_t i = 0; i < std::size(areas); ++i)
        for (size_t j = i + 1; j < std::size(areas); ++j)
            if (areas[i].overlaps(areas[j]))
                throw GuestFault("network ring areas overlap");
    m_indexes = reinterpret_cast<abi::NetRingIndexes*>(indexes->data());
    m_transmit = transmit;
    m_receive = receive;
    return 0;
}

void NetDevice::kick() {
    ++m_statistics.kicks;
    uint32_t producer = load_acquire(m_indexes->transmit_producer);
    if (producer - m_transmit_consumer > m_transmit.count)
        throw GuestFault(fmt::format("network transmit producer {} is out of the ring (consumer "
                                     "{}, {} slots)",
                                     producer, m_transmit_consumer, m_transmit.count));
    for (; m_transmit_consumer != producer; ++m_transmit_consumer)
        transmit_one(m_transmit.slot(m_transmit_consumer));
    store_release(m_indexes->transmit_consumer, m_transmit_consumer);
    refill();
}

void NetDevice::transmit_one(abi::NetSlot& slot) {
    uint32_t length = read_once(slot.length);
    if (length > abi::net_frame_capacity)
        throw GuestFault(fmt::format("network frame of {} bytes is longer than its slot", length));
    abi::VirtioNetHeader request = read_once(slot.header);
    // Only what the device offers passes: checksum completion, no segmentation.
    abi::VirtioNetHeader header{};
    if (request.flags & abi::virtio_net_needs_checksum) {
        header.flags = abi::virtio_net_needs_checksum;
        header.checksum_start = request.checksum_start;
        header.checksum_offset = request.checksum_offset;
    }
    bool checksum_fits =
        !header.flags || uint32_t(header.checksum_start) + header.checksum_offset + 2 <= length;
    if (length < ethernet_header_size || !checksum_fits || m_host_failed) {
        ++m_statistics.transmit_drops;
        return;
    }
    iovec parts[] = {{&header, sizeof header}, {slot.frame, length}};
    ssize_t written;
    do {
        written = ::writev(m_fd, parts, 2);
    } while (written < 0 && errno == EINTR);
    if (written < 0) {
        ++m_statistics.transmit_drops;
        return;
    }
    ++m_statistics.transmitted_frames;
    m_statistics.transmitted_bytes += length;
}

bool NetDevice::refill() {
    uint32_t consumer = load_acquire(m_indexes->receive_consumer);
    if (m_receive_producer - consumer > m_receive.count)
        throw GuestFault(fmt::format("network receive consumer {} is out of the ring (producer "
                                     "{}, {} slots)",
                                     consumer, m_receive_producer, m_receive.count));
    while (!m_host_failed && m_receive_producer - consumer < m_receive.count) {
        ReadResult result = read_one(m_receive.slot(m_receive_producer));
        if (result == ReadResult::Empty)
            break;
        if (result == ReadResult::Frame)
            ++m_receive_producer;
    }
    store_release(m_indexes->receive_producer, m_receive_producer);
    return m_receive_producer != consumer;
}

NetDevice::ReadResult NetDevice::read_one(abi::NetSlot& slot) {
    iovec parts[] = {{&slot.header, sizeof slot.header},
                     {slot.frame, abi::net_frame_capacity},
                     {m_overflow.data(), m_overflow.size()}};
    ssize_t n;
    do {
        n = ::readv(m_fd, parts, 3);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno != EAGAIN)
            host_failed(errno);
        return ReadResult::Empty;
    }
    if (n == 0) {
        host_failed(0);
        return ReadResult::Empty;
    }
    uint64_t length = static_cast<uint64_t>(n) - std::min<uint64_t>(n, sizeof slot.header);
    if (length < ethernet_header_size || length > abi::net_frame_capacity) {
        ++m_statistics.receive_drops;
        return ReadResult::Dropped;
    }
    std::atomic_ref<uint32_t>(slot.length)
        .store(static_cast<uint32_t>(length), std::memory_order_relaxed);
    ++m_statistics.received_frames;
    m_statistics.received_bytes += length;
    return ReadResult::Frame;
}

bool NetDevice::host_ready(short revents) {
    bool waiting = refill();
    if (!waiting && (revents & (POLLERR | POLLHUP | POLLNVAL)) && !m_host_failed)
        host_failed(EIO);
    return waiting;
}

void NetDevice::host_failed(int error) {
    m_host_failed = true;
    fmt::print(stderr, "ingot: the network's host side failed ({}); the guest is offline\n",
               error ? system_error_text(error) : "end of file");
}

} // namespace ingot
