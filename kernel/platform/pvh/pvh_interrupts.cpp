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
int signal_for(uint64_t vector) {
    switch (vector) {
    case 0:       // divide error
    case 16:      // x87 floating point
    case 19:      // SIMD floating point
        return 8; // SIGFPE
    case 1:
    case 3:
        return 5; // SIGTRAP
    case 6:
        return 4; // SIGILL
    case 17:
        return 7; // SIGBUS
    default:
        return 11; // SIGSEGV
    }
}

uint64_t read_cr2() {
    uint64_t value;
    asm volatile("mov %%cr2, %0" : "=r"(value));
    return value;
}

abi::CrashArgs crash_state(const InterruptFrame& frame, int signal) {
    abi::CrashArgs crash{};
    crash.signal = static_cast<uint32_t>(signal);
    crash.rip = frame.rip;
    crash.rsp = frame.rsp;
    crash.rbp = frame.rbp;
    crash.rax = frame.rax;
    crash.rbx = frame.rbx;
    crash.rcx = frame.rcx;
    crash.rdx = frame.rdx;
    crash.rsi = frame.rsi;
    crash.rdi = frame.rdi;
    crash.r8 = frame.r8;
    crash.r9 = frame.r9;
    crash.r10 = frame.r10;
    crash.r11 = frame.r11;
    crash.r12 = frame.r12;
    crash.r13 = frame.r13;
    crash.r14 = frame.r14;
    crash.r15 = frame.r15;
    return crash;
}

[[noreturn]] void handle_exception(const InterruptFrame& frame) {
    uint64_t fault_address = frame.vector == 14 ? read_cr2() : 0;
    if (in_kernel(frame.rip)) {
        klog("kernel fault: exception %llu (error %#llx) at %#llx, address %#llx",
             static_cast<unsigned long long>(frame.vector),
             static_cast<unsigned long long>(frame.error_code),
             static_cast<unsigned long long>(frame.rip),
             static_cast<unsigned long long>(fault_address));
        platform::exit(exit_kernel_fault);
    }
    int signal = signal_for(frame.vector);
    report_exception(frame.vector, frame.error_code, fault_address, crash_state(frame, signal));
    platform::exit(128 + signal);
}

bool wake_input_waiters() {
    if (!console_input_ready())
        return false;
    return scheduler::wake_some(scheduler::stdin_waiters(), SIZE_MAX) != 0;
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
    case local_apic::spurious_vector:
        return 0;
    case 2:
        klog("non-maskable interrupt at %#llx: ignored",
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
