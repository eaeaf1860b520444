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
// The largest frame a tap hands over is MTU-sized, or 64 KiB once told to coalesce; anything
// longer than the slots read into is caught here, to be dropped.
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
    : m_memory(memory), m_fd(attachment.tap_fd), m_enable_coalescing(attachment.enable_coalescing),
      m_overflow(overflow_size) {
    int flags = ::fcntl(m_fd, F_GETFL);
    if (flags < 0 || ::fcntl(m_fd, F_SETFL, flags | O_NONBLOCK) < 0)
        fail("cannot use the network's host side (descriptor {}): {}", m_fd,
             system_error_text(errno));
    const GuestNetworkConfig& guest = attachment.guest;
    std::copy(guest.mac.begin(), guest.mac.end(), m_info.mac);
    m_info.prefix_length = guest.prefix_length;
    m_info.flags = (guest.use_dhcp ? abi::network_flag_dhcp : 0) |
                   (m_enable_coalescing ? abi::network_flag_segmentation : 0);
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
    // A guest asking with a ring too small for one longest frame would never be refilled.
    bool asked = read_once(m_indexes->guest_features) & abi::net_guest_coalesced_receive;
    if (asked && m_enable_coalescing && receive.count >= abi::net_max_frame_slots)
        m_coalesced = m_enable_coalescing();
    return 0;
}

void NetDevice::kick() {
    ++m_statistics.kicks;
    uint32_t producer = load_acquire(m_indexes->transmit_producer);
    if (producer - m_transmit_consumer > m_transmit.count)
        throw GuestFault(fmt::format("network transmit producer {} is out of the ring (consumer "
                                     "{}, {} slots)",
                                     producer, m_transmit_consumer, m_transmit.count));
    while (m_transmit_consumer != producer)
        m_transmit_consumer += transmit_one(producer - m_transmit_consumer);
    store_release(m_indexes->transmit_consumer, m_transmit_consumer);
    refill();
}

uint32_t NetDevice::transmit_one(uint32_t published) {
    abi::VirtioNetHeader request = read_once(m_transmit.slot(m_transmit_consumer).header);
    uint32_t slots = m_enable_coalescing && request.buffer_count ? request.buffer_count : 1;
    if (slots > abi::net_max_frame_slots || slots > published)
        throw GuestFault(fmt::format("network frame spans {} slots ({} published, at most {})",
                                     slots, published, abi::net_max_frame_slots));
    iovec parts[1 + abi::net_max_frame_slots];
    uint32_t length = 0;
    for (uint32_t i = 0; i < slots; ++i) {
        abi::NetSlot& slot = m_transmit.slot(m_transmit_consumer + i);
        uint32_t piece = read_once(slot.length);
        if (piece > abi::net_frame_capacity)
            throw GuestFault(
                fmt::format("network frame of {} bytes is longer than its slot", piece));
        parts[1 + i] = {slot.frame, piece};
        length += piece;
    }
    std::optional<abi::VirtioNetHeader> header = host_header(request, length, slots);
    if (!header || m_host_failed) {
        ++m_statistics.transmit_drops;
        return slots;
    }
    parts[0] = {&*header, sizeof *header};
    ssize_t written;
    do {
        written = ::writev(m_fd, parts, static_cast<int>(1 + slots));
    } while (written < 0 && errno == EINTR);
    if (written < 0) {
        ++m_statistics.transmit_drops;
        return slots;
    }
    ++m_statistics.transmitted_frames;
    m_statistics.transmitted_bytes += length;
    if (header->gso_type != abi::virtio_net_gso_none)
        ++m_statistics.transmitted_segments;
    return slots;
}

std::optional<abi::VirtioNetHeader> NetDevice::host_header(const abi::VirtioNetHeader& request,
                                                           uint32_t length, uint32_t slots) const {
    // Only what the device offers passes: checksum completion, and with a tap the cutting of
    // TCP segments, which the host checks again (virtio_net_hdr_to_skb).
    abi::VirtioNetHeader header{};
    if (request.flags & abi::virtio_net_needs_checksum) {
        header.flags = abi::virtio_net_needs_checksum;
        header.checksum_start = request.checksum_start;
        header.checksum_offset = request.checksum_offset;
    }
    bool checksum_fits =
        !header.flags || uint32_t(header.checksum_start) + header.checksum_offset + 2 <= length;
    if (length < ethernet_header_size || !checksum_fits)
        return std::nullopt;
    // Without a tap, segmentation fields are cleared (as before it was offered).
    if (request.gso_type == abi::virtio_net_gso_none || !m_enable_coalescing)
        return slots == 1 ? std::optional(header) : std::nullopt; // only a segment spans slots
    bool tcp = request.gso_type == abi::virtio_net_gso_tcpv4 ||
               request.gso_type == abi::virtio_net_gso_tcpv6;
    // The headers every piece repeats end past the TCP header's start and before the payload.
    bool headers_fit =
        request.header_length > header.checksum_start && request.header_length < length;
    if (!tcp || !header.flags || request.gso_size == 0 || !headers_fit)
        return std::nullopt;
    header.gso_type = request.gso_type;
    header.gso_size = request.gso_size;
    header.header_length = request.header_length;
    return header;
}

bool NetDevice::refill() {
    uint32_t consumer = load_acquire(m_indexes->receive_consumer);
    if (m_receive_producer - consumer > m_receive.count)
        throw GuestFault(fmt::format("network receive consumer {} is out of the ring (producer "
                                     "{}, {} slots)",
                                     consumer, m_receive_producer, m_receive.count));
    while (!m_host_failed) {
        ReadResult result = read_one(m_receive.count - (m_receive_producer - consumer));
        if (result == ReadResult::Empty)
            break;
    }
    store_release(m_indexes->receive_producer, m_receive_producer);
    return m_receive_producer != consumer;
}

NetDevice::ReadResult NetDevice::read_one(uint32_t free_slots) {
    uint32_t span = m_coalesced ? abi::net_max_frame_slots : 1;
    if (free_slots < span)
        return ReadResult::Empty;
    abi::NetSlot& first = m_receive.slot(m_receive_producer);
    iovec parts[2 + abi::net_max_frame_slots];
    parts[0] = {&first.header, sizeof first.header};
    for (uint32_t i = 0; i < span; ++i)
        parts[1 + i] = {m_receive.slot(m_receive_producer + i).frame, abi::net_frame_capacity};
    parts[1 + span] = {m_overflow.data(), m_overflow.size()};
    ssize_t n;
    do {
        n = ::readv(m_fd, parts, static_cast<int>(2 + span));
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
    uint64_t length = static_cast<uint64_t>(n) - std::min<uint64_t>(n, sizeof first.header);
    if (length < ethernet_header_size || length > uint64_t(span) * abi::net_frame_capacity) {
        ++m_statistics.receive_drops;
        return ReadResult::Dropped;
    }
    uint32_t slots =
        static_cast<uint32_t>((length + abi::net_frame_capacity - 1) / abi::net_frame_capacity);
    for (uint32_t i = 0; i < slots; ++i) {
        uint64_t piece = std::min<uint64_t>(length - uint64_t(i) * abi::net_frame_capacity,
                                            abi::net_frame_capacity);
        std::atomic_ref<uint32_t>(m_receive.slot(m_receive_producer + i).length)
            .store(static_cast<uint32_t>(piece), std::memory_order_relaxed);
    }
    // The tap leaves num_buffers as it found it: the span is the monitor's to say.
    first.header.buffer_count = static_cast<uint16_t>(slots);
    m_receive_producer += slots;
    ++m_statistics.received_frames;
    m_statistics.received_bytes += length;
    if (slots > 1)
        ++m_statistics.received_coalesced;
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
