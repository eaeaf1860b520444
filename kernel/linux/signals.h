// Signal delivery. A signal is made pending on a thread (or the process); on the thread's next
// return to the program it takes its default action or runs the program's handler on a Linux
// rt_sigframe, which rt_sigreturn undoes. Signals come from the program itself (kill, tgkill,
// raise, abort, SIGPIPE on a broken pipe) and from the host: SIGINT, SIGTERM and SIGHUP sent to
// `ingot run` are forwarded (those not ignored when it started), and on the qemu platform
// SIGPIPE when ingot's stdout or stderr was closed (on hvt the console write fails instead).
#pragma once

#include "arch/x86_64/interrupt_frame.h"
#include "arch/x86_64/syscall_frame.h"
#include "lib/error_or.h"
#include "linux/fault_signals.h"
#include "sched/thread.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::signals {

inline constexpr int count = 64;
inline constexpr int sighup = 1, sigint = 2, sigabrt = 6, sigkill = 9, sigsegv = 11, sigpipe = 13,
                     sigterm = 15, sigstop = 19;

inline constexpr uint64_t bit(int signal) {
    return 1ull << (signal - 1);
}

struct Action {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

inline constexpr uint64_t default_handler = 0;
inline constexpr uint64_t ignore_handler = 1;

// Where the monitor posts host signals (GuestInfo::pending_host_signals).
void initialize(volatile uint64_t* host_signals);

// The most stack one signal frame takes (AT_MINSIGSTKSZ): what sigaltstack must leave room for.
size_t frame_size();

Action& action(int signal);
// What rt_sigpending reports for `thread`: its pending signals and the process's, that it blocks.
uint64_t blocked_pending(const Thread& thread);
// Queues `signal` for `target`, or for the process (any thread not blocking it) when null.
// Interrupts a blocking wait of the thread that will take it.
void raise(int signal, Thread* target);
// On every return to the program: acts on one deliverable signal, if any. `interrupted_call`
// is the number of a syscall that ended with EINTR, restarted after a SA_RESTART handler.
void deliver_pending(SyscallFrame& frame, long interrupted_call);
// The same from an interrupt or event taken in the program, which saved every register: a
// handler runs at once, however long the program goes without a system call.
void deliver_pending(InterruptFrame& frame, long interrupted_call = -1);

// Runs the program's handler for the fault on `frame` and returns true; false when it has none
// that can run (default, ignored or blocked): the caller ends the program as Linux would.
bool deliver_fault(InterruptFrame& frame, const Fault& fault);
// Ends the program by `signal` as its default action would, `frame` its last registers.
[[noreturn]] void terminate(int signal, const InterruptFrame& frame);
// pause, sigsuspend: sleeps until a signal is to be delivered; EINTR.
ErrorOr<long> wait_for_signal();
// sigsuspend: the mask in force before the call comes back when the handler returns.
void restore_mask_after_delivery(uint64_t mask);
// rt_sigreturn: restores what the handler's frame saved; returns the interrupted call's result.
// The registers are then returned to through take_full_return.
long return_from_handler(SyscallFrame& frame);
// After rt_sigreturn: the registers to restore, every one of them, through the interrupt return
// path (the syscall return overwrites RCX and R11); null otherwise.
InterruptFrame* take_full_return();

} // namespace kernel::signals
