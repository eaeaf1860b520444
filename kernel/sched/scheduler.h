// Round-robin scheduling. A thread runs until it blocks, yields or exits, or until its time
// slice ends: the platform's timer (pvh's APIC timer, hvt's monitor tick) preempts a thread
// in the program, and a thread making system calls gives the CPU up at the next one. When no thread
// can run, the CPU waits in the platform (a poll hypercall on hvt, hlt on pvh) until the earliest
// sleeper's deadline or an input event.
#pragma once

#include "sched/readiness.h"
#include "sched/thread.h"
#include "sched/wait_queue.h"

#include <stdint.h>

namespace kernel::scheduler {

inline constexpr uint64_t no_deadline = 0;

Thread* current();
Thread* find(uint32_t tid);
size_t live_threads();

void add(Thread& thread);
// Starts the first thread; never returns.
[[noreturn]] void start(Thread& first);

void yield();
// From a timer or device interrupt taken in the program (pvh): whether another thread should
// have the CPU now, and the switch to it.
bool preemption_due();
void preempt();
// Sleeps the current thread on `queue` (may be null) until woken or `deadline_ns` passes.
WakeReason block(WaitQueue* queue, uint64_t deadline_ns);
void wake(Thread& thread);
// Ends a blocking wait early because a signal is to be delivered (the syscall sees EINTR).
void interrupt(Thread& thread);
// Every live thread, for signal targeting.
template <typename Visitor> void for_each_thread(Visitor visitor);
// Wakes up to `count` threads of the queue; returns how many.
size_t wake_some(WaitQueue& queue, size_t count);

// Threads waiting for the console's input.
WaitQueue& stdin_waiters();
// Notified when console input may have arrived, for poll and epoll on stdin; while it has
// observers, an idle CPU waits for input as it does for stdin_waiters().
Readiness& stdin_readiness();
// Wakes stdin_waiters() and notifies stdin_readiness(): input arrived. Whether anyone was
// waiting for it.
bool console_input_arrived();

[[noreturn]] void exit_current();

// CPU time (sched/cpu_time.h): the running thread's system call begins, or ends; one thread's
// time; the process's, threads that exited included. A system call that begins after the
// thread's slice is over switches to another runnable thread first: a thread that never
// blocks still gives the CPU up. One clock read serves both.
void enter_kernel();
void leave_kernel();
CpuTimes thread_cpu_time(const Thread& thread);
CpuTimes process_cpu_time();

// How signals reach the scheduler: `collect` runs before every idle wait and after it (host
// signals and expired interval timers arrive there); `external_wake` says whether something
// outside (a host signal) could still wake a thread that waits with no deadline, so that such a
// wait is not taken for a deadlock; `pending` says whether a thread has a signal to take, so it
// does not block; `next_deadline_ns` (0: none) is when a signal will arise by itself (an
// interval timer), which bounds every idle wait.
struct SignalHooks {
    void (*collect)();
    bool (*external_wake)();
    bool (*pending)(const Thread&);
    uint64_t (*next_deadline_ns)();
};
void set_signal_hooks(const SignalHooks& hooks);

// Devices the kernel drives by polling (the network stack): `poll` takes what arrived and runs
// due timers, waking threads; `next_deadline_ns` (0: none) bounds every idle wait; `interest`
// are the platform events (abi::poll_event_*) that end an idle wait early.
struct DeviceHooks {
    void (*poll)();
    uint64_t (*next_deadline_ns)();
    uint64_t interest;
};
void set_device_hooks(const DeviceHooks& hooks);
// Polls the devices now: before a non-blocking call reports "nothing yet" (EAGAIN, a poll()
// with no timeout), so a program that never blocks still sees its packets.
void poll_devices();

IntrusiveList<Thread, &Thread::all_node>& all_threads();

// While one lives, the current thread's waits are ones an event from outside the VM may end (a
// connection or datagram, a host signal): accept, recv, poll and the like. When every thread
// is blocked and one waits so, the CPU idles as a server would, where Linux would too, instead
// of ending the program as deadlocked; waits only another thread could end (futex, pipe) are
// still a deadlock.
class OutsideWait {
public:
    OutsideWait();
    ~OutsideWait();
    OutsideWait(const OutsideWait&) = delete;
    OutsideWait& operator=(const OutsideWait&) = delete;
};

template <typename Visitor> void for_each_thread(Visitor visitor) {
    for (auto& thread : all_threads())
        visitor(thread);
}

} // namespace kernel::scheduler
