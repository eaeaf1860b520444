#include "platform/hvt/hvt_events.h"

#include "linux/fault_signals.h"
#include "linux/signals.h"
#include "mm/physical_memory.h"
#include "mm/user_memory.h"
#include "platform/platform.h"
#include "sched/scheduler.h"

extern "C" char interrupt_stubs[];

namespace kernel::hvt {

namespace {

// One vCPU, and events only while the program runs: the stack is free whenever one comes. A
// preempted thread's frame moves to its own kernel stack (interrupt_entry.S).
alignas(16) uint8_t event_stack[16 * 1024];
abi::GuestInfo* guest_info;

// A fault with no handler to run: the program ends with the monitor's report, which names the
// fault as the CPU reported it. Events stop, and the instruction runs again and faults again
// (the CPU reported a fault, not a trap: RIP is the instruction's), which the monitor then
// reports as it does without events.
void end_with_report(const InterruptFrame& frame, const signals::Fault& fault) {
    if (!signals::restarts_instruction(frame.vector))
        signals::terminate(fault.signal, frame);
    guest_info->event_entry = 0;
}

} // namespace

void enable_events(abi::GuestInfo& info) {
    guest_info = &info;
    uint64_t top = reinterpret_cast<uint64_t>(event_stack + sizeof event_stack);
    info.event_stack = top;
    info.event_stack_physical = kernel_to_physical(event_stack + sizeof event_stack);
    info.event_entry = reinterpret_cast<uint64_t>(interrupt_stubs);
}

int dispatch_event(InterruptFrame& frame) {
    Access access = (frame.error_code & 2) ? Access::Write : Access::Read;
    if (frame.vector == 14 && user_address_space().back_on_fault(guest_info->fault_address, access))
        return 0;
    if (frame.vector < 32) {
        signals::Fault fault =
            frame.vector == 14 &&
                    user_address_space().beyond_file_end(guest_info->fault_address, access)
                ? signals::beyond_file_end_fault(frame.error_code, guest_info->fault_address)
                : signals::fault_signal(frame.vector, frame.error_code, guest_info->fault_address,
                                        frame.rip);
        if (!signals::deliver_fault(frame, fault))
            end_with_report(frame, fault);
        return 0;
    }
    // The tick, or a host signal posted in GuestInfo.
    signals::deliver_pending(frame);
    return scheduler::preemption_due();
}

} // namespace kernel::hvt
