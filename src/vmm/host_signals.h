// The hvt monitor's side of the stop policy (support/stop_policy.h): catches the signals
// `ingot run` forwards, hands them to the guest, and stops the VM when the policy says so,
// also while the guest spins inside KVM_RUN: a POSIX timer interrupts KVM_RUN at the end of
// the grace period.
#pragma once

#include "support/stop_policy.h"

#include <csignal>
#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>

namespace ingot {

class HostSignals {
public:
    // Installs the handlers (not for a signal ignored at start) and blocks the signals in this
    // thread, which must be the vCPU's; one instance at a time.
    explicit HostSignals(std::optional<StopPolicy::Clock::duration> stop_timeout);
    ~HostSignals();
    HostSignals(const HostSignals&) = delete;
    HostSignals& operator=(const HostSignals&) = delete;

    // The mask for the waits a host signal must interrupt: KVM_RUN (KVM_SET_SIGNAL_MASK) and
    // the Poll hypercall's ppoll. Elsewhere the signals stay blocked, so one arriving between
    // two waits interrupts the next at once instead of being noticed late.
    const sigset_t& waiting_mask() const { return m_waiting_mask; }
    // Set when a forwarded signal arrived in a wait and is not yet taken.
    const volatile sig_atomic_t* arrived() const;

    // Before each KVM_RUN: takes the signals that arrived and gives those for the program to
    // `post` (bit n - 1 for signal n; false when the guest cannot take them yet). Returns the
    // exit status when the VM must stop now, having said why on stderr where that helps.
    std::optional<int> take(const std::function<bool(uint64_t)>& post);

private:
    std::optional<int> stop(const StopPolicy::Stop& stop);
    void arm_timer(StopPolicy::Clock::time_point deadline);

    StopPolicy m_policy;
    sigset_t m_forwarded;
    sigset_t m_waiting_mask;
    int m_timer_signal;
    timer_t m_timer{};
    bool m_timer_created = false;
    bool m_timer_armed = false;
};

} // namespace ingot
