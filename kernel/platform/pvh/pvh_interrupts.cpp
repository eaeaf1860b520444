#include "platform/pvh/pvh_interrupts.h"

#include "arch/x86_64/interrupt_frame.h"
#include "drivers/pc/local_apic.h"
#include "lib/log.h"
#include "linux/fault_signals.h"
#include "linux/signals.h"
#include "mm/user_memory.h"
#include "platform/platform.h"
#include "platform/pvh/pvh_console.h"
#include "sched/scheduler.h"

#include <ingot/abi/exit_status.h>

extern "C" {
extern char __kernel_start[];
extern char __kernel_end[];
}

namespace kernel::pvh {

namespace {

bool in_kernel(uint64_t address) {
    return address >= reinterpret_cast<uint64_t>(__kernel_start) &&
           address < reinterpret_cast<uint64_t>(__kernel_end);
}

// The signal Linux sends a process for each CPU exception.
uint64_t read_cr2() {
    uint64_t value;
    asm volatile("mov %%cr2, %0" : "=r"(value));
    return value;
}

// The program's handler for the fault's signal runs; without one the program dies with a
// report, as on hvt. A fault in the kernel is reported the same way and ends the run with the
// status of a broken kernel.
void handle_exception(InterruptFrame& frame) {
    bool kernel_fault = in_kernel(frame.rip);
    uint64_t fault_address = frame.vector == 14 ? read_cr2() : 0;
    Access access = (frame.error_code & 2) ? Access::Write : Access::Read;
    if (!kernel_fault && frame.vector == 14 &&
        user_address_space().back_on_fault(fault_address, access))
        return;
    signals::Fault fault =
        !kernel_fault && frame.vector == 14 &&
                user_address_space().beyond_file_end(fault_address, access)
            ? signals::beyond_file_end_fault(frame.error_code, fault_address)
            : signals::fault_signal(frame.vector, frame.error_code, fault_address, frame.rip);
    if (!kernel_fault && signals::deliver_fault(frame, fault))
        return;
    if (kernel_fault)
        fall_back_to_serial("the kernel faulted");
    int signal = report_exception({frame, fault_address, kernel_fault});
    platform::exit(kernel_fault ? ingot::abi::exit_ingot_failed
                                : ingot::abi::exit_killed_by(signal));
}

bool wake_input_waiters() {
    if (!console_input_ready())
        return false;
    return scheduler::console_input_arrived();
}

// A program that never makes a system call still takes its signals (a host SIGINT, say) and
// still shares the CPU.
bool preempt_program(InterruptFrame& frame) {
    signals::deliver_pending(frame);
    return scheduler::preemption_due();
}

} // namespace

// Interrupts arrive only while the program runs, or while the kernel waits in hlt: the
// kernel otherwise runs with interrupts off. Returns nonzero to preempt the program.
int dispatch_interrupt(InterruptFrame& frame) {
    bool in_program = !in_kernel(frame.rip);
    switch (frame.vector) {
    case pc::local_apic::timer_vector:
        pc::local_apic::end_of_interrupt();
        arm_time_slice();
        // A virtio-console port does not interrupt: its input, host signals included, is
        // looked for at the ticks of a busy program.
        if (console_is_polled()) {
            receive_console_input();
            wake_input_waiters();
        }
        return in_program && preempt_program(frame);
    case serial_vector:
        receive_console_input();
        pc::local_apic::end_of_interrupt();
        wake_input_waiters();
        return in_program && preempt_program(frame);
    case net_vector:
        // Before the EOI: a level-triggered line still high would interrupt again at once.
        acknowledge_net_interrupt();
        pc::local_apic::end_of_interrupt();
        return in_program && preempt_program(frame);
    case pc::local_apic::spurious_vector:
        return 0;
    case 2:
        klog("non-maskable interrupt at 0x%llx: ignored",
             static_cast<unsigned long long>(frame.rip));
        return 0;
    default:
        if (frame.vector < 32) {
            handle_exception(frame);
            return 0;
        }
        pc::local_apic::end_of_interrupt();
        return 0;
    }
}

} // namespace kernel::pvh
