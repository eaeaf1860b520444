// Signal delivery. A signal is made pending on a thread (or the process); on the thread's next
// return to the program it takes its default action or runs the program's handler on a Linux
// rt_sigframe, which rt_sigreturn undoes. Signals come from the program itself (kill, tgkill,
// raise, abort, SIGPIPE on a broken pipe) and from the host: SIGINT, SIGTERM and SIGHUP sent to
// `ingot run` are forwarded (those not ignored when it started), and on the qemu platform
// SIGPIPE when ingot's stdout or stderr was closed (on hvt the console write fails instead).
#pragma once

#include "arch/x86_64/syscall_frame.h"
#include "sched/thread.h"

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

Action& action(int signal);
// Queues `signal` for `target`, or for the process (any thread not blocking it) when null.
// Interrupts a blocking wait of the thread that will take it.
void raise(int signal, Thread* target);
// On every return to the program: acts on one deliverable signal, if any. `interrupted_call`
// is the number of a syscall that ended with EINTR, restarted after a SA_RESTART handler.
void deliver_pending(SyscallFrame& frame, long interrupted_call);
// From an interrupt taken in the program (pvh): if the current thread has a deliverable signal
// whose action is to end the program, ends it now with `state` as its last registers.
void act_on_fatal_pending(const SyscallFrame& state);
// pause, sigsuspend: sleeps until a signal is to be delivered; returns -EINTR.
long wait_for_signal();
// sigsuspend: the mask in force before the call comes back when the handler returns.
void restore_mask_after_delivery(uint64_t mask);
// rt_sigreturn: restores what the handler's frame saved; returns the interrupted call's result.
long return_from_handler(SyscallFrame& frame);

} // namespace kernel::signals
