#include "platform/pvh/pvh_interrupts.h"

#include "arch/x86_64/interrupt_frame.h"
#include "lib/log.h"
#include "linux/signals.h"
#include "platform/platform.h"
#include "platform/pvh/local_apic.h"
#include "sched/scheduler.h"

extern "C" {
extern char __kernel_start[];
extern char __kernel_end[];
}

namespace kernel::pvh {

namespace {

constexpr int exit_kernel_fault = 125;

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

// The program dies with a report, as on hvt; a fault in the kernel is reported the same way
// and ends the run with the status of a broken kernel.
[[noreturn]] void handle_exception(const InterruptFrame& frame) {
    bool kernel_fault = in_kernel(frame.rip);
    int signal = report_exception({frame, frame.vector == 14 ? read_cr2() : 0, kernel_fault});
    platform::exit(kernel_fault ? exit_kernel_fault : 128 + signal);
}

bool wake_input_waiters() {
    if (!console_input_ready())
        return false;
    return scheduler::console_input_arrived();
}

// A program that never makes a system call still dies of a fatal signal (a host SIGINT,
// say) and still shares the CPU. Handlers run at its next system call: the interrupted
// registers cannot be handed to one faithfully from here.
bool preempt_program(const InterruptFrame& frame) {
    SyscallFrame state{};
    state.rcx = frame.rip;
    state.r11 = frame.rflags;
    state.rsp = frame.rsp;
    state.rbp = frame.rbp;
    state.rax = frame.rax;
    state.rbx = frame.rbx;
    state.rdx = frame.rdx;
    state.rsi = frame.rsi;
    state.rdi = frame.rdi;
    state.r8 = frame.r8;
    state.r9 = frame.r9;
    state.r10 = frame.r10;
    state.r12 = frame.r12;
    state.r13 = frame.r13;
    state.r14 = frame.r14;
    state.r15 = frame.r15;
    signals::act_on_fatal_pending(state);
    return scheduler::preemption_due();
}

} // namespace

} // namespace kernel::pvh

// Interrupts arrive only while the program runs, or while the kernel waits in hlt: the
// kernel otherwise runs with interrupts off. Returns nonzero to preempt the program.
extern "C" int interrupt_dispatch(kernel::InterruptFrame& frame) {
    using namespace kernel;
    using namespace kernel::pvh;
    bool in_program = !in_kernel(frame.rip);
    switch (frame.vector) {
    case local_apic::timer_vector:
        local_apic::end_of_interrupt();
        arm_time_slice();
        return in_program && preempt_program(frame);
    case serial_vector:
        receive_console_input();
        local_apic::end_of_interrupt();
        wake_input_waiters();
        return in_program && preempt_program(frame);
    case net_vector:
        // Before the EOI: a level-triggered line still high would interrupt again at once.
        acknowledge_net_interrupt();
        local_apic::end_of_interrupt();
        return in_program && preempt_program(frame);
    case local_apic::spurious_vector:
        return 0;
    case 2:
        klog("non-maskable interrupt at 0x%llx: ignored",
             static_cast<unsigned long long>(frame.rip));
        return 0;
    default:
        if (frame.vector < 32)
            handle_exception(frame);
        local_apic::end_of_interrupt();
        return 0;
    }
}

extern "C" void preempt_current() {
    kernel::scheduler::preempt();
}
