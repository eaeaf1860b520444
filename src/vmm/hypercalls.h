// The monitor's side of the hypercall ABI (include/ingot/abi/hypercall.h). The guest is
// untrusted: each argument block and every buffer it names is checked against guest memory.
#pragma once

#include "support/console_output_guard.h"
#include "vmm/guest_fault.h"
#include "vmm/guest_memory.h"

#include <ingot/abi/hypercall.h>

#include <array>
#include <csignal>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace ingot {

class NetDevice;
class VolumeDevice;

struct HypercallOutcome {
    // FlushTlb: the guest's translations must be dropped (the vCPU does it) before it resumes.
    enum class Kind { Continue, Exit, Crash, FlushTlb } kind = Kind::Continue;
    int status = 0;
    abi::CrashArgs crash{};
};

class HypercallHandler {
public:
    // `waiting_mask`: the signal mask while the Poll call waits (the monitor keeps the signals
    // it forwards blocked elsewhere, so one arriving just before the wait is not missed);
    // `signal_received`: set by the monitor's handler, when the wait must not start at all.
    HypercallHandler(GuestMemory& memory, const sigset_t* waiting_mask = nullptr,
                     const volatile sig_atomic_t* signal_received = nullptr)
        : m_memory(memory), m_waiting_mask(waiting_mask), m_signal_received(signal_received) {}

    // Serves NetSetup, NetKick and the Poll call's network interest; without one those calls
    // answer -ENODEV and the interest is ignored.
    void attach_network(NetDevice* device) { m_network = device; }
    // Serves VolumeRequest; without volumes it answers -ENODEV.
    void attach_volumes(VolumeDevice* volumes) { m_volumes = volumes; }

    // Passes the guest's output to a terminal as it is (--raw-console): control sequences too.
    void use_raw_console() { m_output = ConsoleOutputGuard(true); }

    // A store of `argument_address` at `offset` in the hypercall window.
    HypercallOutcome handle(uint64_t offset, uint64_t argument_address);

    uint64_t count(abi::Hypercall call) const { return m_counts[static_cast<size_t>(call)]; }
    uint64_t total() const;

private:
    template <typename Args> Args load(uint64_t address);
    template <typename Args> void store(uint64_t address, const Args& arguments);

    // The guest buffer a console call names, checked against the limit and guest memory.
    std::span<uint8_t> console_buffer(uint64_t address, uint64_t length, const char* call);
    void console_write(uint64_t address);
    // Writes the guest's output to stdout or stderr (ConsoleOutputGuard): how many of its
    // bytes went out, or -errno.
    int64_t write_output(int fd, std::span<const uint8_t> bytes);
    void console_read(uint64_t address);
    void poll(uint64_t address);
    void net_set_up(uint64_t address);
    void net_kick(uint64_t address);
    void volume_request(uint64_t address);

    GuestMemory& m_memory;
    const sigset_t* m_waiting_mask;
    const volatile sig_atomic_t* m_signal_received;
    NetDevice* m_network = nullptr;
    VolumeDevice* m_volumes = nullptr;
    std::array<uint64_t, abi::hypercall_count> m_counts{};
    bool m_log_at_line_start = true;
    ConsoleOutputGuard m_output{false};
    std::string m_escaped;
};

} // namespace ingot
