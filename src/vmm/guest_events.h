// Interrupts and exceptions for a guest without IDT delivery (abi::GuestInfo describes the
// protocol): the monitor interrupts KVM_RUN on a periodic tick and, when the vCPU was in the
// program, resumes it at the kernel's event entry with the frame a CPU would have pushed.
#pragma once

#include "vmm/fault.h"
#include "vmm/guest_memory.h"
#include "vmm/kvm.h"

#include <signal.h>
#include <time.h>

#include <cstdint>
#include <optional>

namespace ingot {

class GuestEvents {
public:
    // Blocks the tick signal in the monitor: it may only interrupt KVM_RUN (see run_mask).
    GuestEvents(GuestMemory& memory, uint64_t guest_info);
    ~GuestEvents();
    GuestEvents(const GuestEvents&) = delete;
    GuestEvents& operator=(const GuestEvents&) = delete;

    // The signal mask for KVM_RUN: `base` with the tick signal let through.
    sigset_t run_mask(const sigset_t& base) const;
    // Starts the periodic tick (abi::event_tick_ns) aimed at the calling (vCPU) thread.
    void start_ticks();
    // After KVM_RUN returned early (a tick or a host signal): takes a pending tick and, if the
    // vCPU was in the program, delivers abi::event_vector_tick so the kernel can preempt it or
    // act on a signal now.
    void interrupted(Vcpu& vcpu);
    // A CPU exception ended KVM_RUN. If the program faulted and the kernel takes events, hands
    // the exception to the kernel and returns true: run the vCPU again.
    bool deliver_fault(Vcpu& vcpu, const kvm_regs& registers, const kvm_sregs& sregs,
                       const FaultFacts& facts, const FaultVerdict& verdict);
    uint64_t delivered() const { return m_delivered; }

private:
    bool recover_program_registers(kvm_regs& registers) const;
    bool deliver(Vcpu& vcpu, kvm_regs registers, const kvm_sregs& sregs, uint32_t vector,
                 std::optional<uint64_t> error_code);

    GuestMemory& m_memory;
    uint64_t m_guest_info;
    timer_t m_timer{};
    bool m_timer_created = false;
    uint64_t m_delivered = 0;
};

} // namespace ingot
