// The monitor's side of the hvt network device (include/ingot/abi/net_rings.h): moves frames
// between the guest's rings and the host's tap. The guest is untrusted: the ring areas are
// checked once at set-up, and every counter and length it writes is checked before use.
// Anything that would make the monitor reach outside the registered areas (a counter beyond
// the ring, a length beyond the slot, a frame spanning slots not yet published) is a
// GuestFault; a frame that is merely wrong (a runt, a checksum or segmentation request that
// does not fit it, one the tap refuses) is dropped and counted. With a tap, frames may span
// slots both ways (net_rings.h): TCP segments for the host to cut, and coalesced ones for a
// guest that asks.
#pragma once

#include "net/network_attachment.h"
#include "vmm/guest_memory.h"

#include <ingot/abi/boot_info.h>
#include <ingot/abi/net_rings.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace ingot {

struct NetStatistics {
    uint64_t kicks = 0;
    uint64_t transmitted_frames = 0;
    uint64_t transmitted_bytes = 0;
    uint64_t transmit_drops = 0;
    uint64_t received_frames = 0;
    uint64_t received_bytes = 0;
    uint64_t receive_drops = 0;
    uint64_t transmitted_segments = 0; // frames handed over for the host to cut
    uint64_t received_coalesced = 0;   // frames the host coalesced, spanning slots
};

class NetDevice {
public:
    // The tap (anything that keeps frame boundaries: a datagram socket in the tests) stays
    // the caller's to close; it is switched to non-blocking mode.
    NetDevice(GuestMemory& memory, const NetworkAttachment& attachment);
    NetDevice(const NetDevice&) = delete;
    NetDevice& operator=(const NetDevice&) = delete;

    // What BootInfo::network_info points at.
    abi::NetworkInfo network_info() const { return m_info; }

    // The NetSetup hypercall: returns 0 or -EBUSY; throws GuestFault for bad areas or counts.
    int64_t set_up(const abi::NetSetupArgs& arguments);
    bool is_set_up() const { return m_indexes != nullptr; }

    // The NetKick hypercall: writes every queued transmit frame to the host, then refills.
    void kick();
    // Whether the guest asked for coalesced frames and the host end agreed.
    bool coalesces() const { return m_coalesced; }
    // Reads frames from the host into the receive ring until it is full or the host has none;
    // returns whether frames wait for the guest.
    bool refill();

    // The descriptor the Poll hypercall waits on, or -1 once the host side has failed.
    int host_fd() const { return m_host_failed ? -1 : m_fd; }
    // The Poll hypercall found the host side ready with `revents`: refills, and gives up on
    // a host side that reports an error but has nothing to read (instead of waking forever).
    bool host_ready(short revents);

    const NetStatistics& statistics() const { return m_statistics; }

private:
    struct Ring {
        abi::NetSlot* slots = nullptr;
        uint32_t count = 0;
        abi::NetSlot& slot(uint32_t index) const { return slots[index & (count - 1)]; }
    };

    Ring checked_ring(uint64_t address, uint32_t count, const char* name);
    // Writes the frame at the transmit consumer (within `published` slots) to the host;
    // returns the slots it took.
    uint32_t transmit_one(uint32_t published);
    // The header the host gets for the guest's `request` on a frame of `length` bytes, or
    // nothing when the frame is to be dropped.
    std::optional<abi::VirtioNetHeader> host_header(const abi::VirtioNetHeader& request,
                                                    uint32_t length, uint32_t slots) const;
    // Reads one frame from the host into the slots from the receive producer on, of which
    // `free_slots` are free; a frame takes one slot, or up to abi::net_max_frame_slots when
    // coalescing, and is read only when that many are free (else Empty).
    enum class ReadResult { Frame, Dropped, Empty };
    ReadResult read_one(uint32_t free_slots);
    void host_failed(int error);

    GuestMemory& m_memory;
    int m_fd;
    std::function<bool()> m_enable_coalescing; // empty: the host end does not segment
    bool m_coalesced = false;
    abi::NetworkInfo m_info{};
    abi::NetRingIndexes* m_indexes = nullptr;
    Ring m_transmit;
    Ring m_receive;
    // The counters the monitor owns, kept here: the guest may scribble on its copies.
    uint32_t m_transmit_consumer = 0;
    uint32_t m_receive_producer = 0;
    bool m_host_failed = false;
    std::vector<uint8_t> m_overflow; // catches frames longer than their slots, to drop them
    NetStatistics m_statistics;
};

} // namespace ingot
