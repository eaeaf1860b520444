#include "sched/scheduler.h"

#include "lib/log.h"
#include "mm/kmalloc.h"
#include "platform/platform.h"
#include "time/clock.h"

#include <ingot/abi/exit_status.h>

extern "C" {
uint64_t current_kernel_stack_top;
void switch_context(uint64_t* save_rsp, uint64_t next_rsp);
}

namespace kernel::scheduler {

namespace {

// As long as a thread may keep the CPU while others are runnable.
constexpr uint64_t time_slice_ns = 5'000'000;

Thread* running;
Thread* to_reap;
WaitQueue run_queue;
WaitQueue input_waiters;
Readiness* input_readiness; // made on first use: a global would need a destructor at exit
IntrusiveList<Thread, &Thread::timer_node> sleepers; // sorted by deadline
IntrusiveList<Thread, &Thread::all_node> threads;
size_t thread_count;
SignalHooks signal_hooks;
uint64_t slice_started_ns;
DeviceHooks device_hooks;
size_t outside_waits;     // live OutsideWait guards
CpuTimes exited_cpu_time; // of the threads that exited

void add_sleeper(Thread& thread) {
    for (auto& other : sleepers) {
        if (other.wake_deadline_ns > thread.wake_deadline_ns) {
            sleepers.insert_before(other.timer_node, thread);
            return;
        }
    }
    sleepers.append(thread);
}

void make_runnable(Thread& thread, WakeReason reason) {
    WaitQueue::remove(thread);
    decltype(sleepers)::remove(thread);
    thread.wake_reason = reason;
    thread.state = ThreadState::Runnable;
    run_queue.append(thread);
}

void expire_timers() {
    uint64_t now = clock::monotonic_ns();
    while (Thread* thread = sleepers.first()) {
        if (thread->wake_deadline_ns > now)
            break;
        make_runnable(*thread, WakeReason::TimedOut);
    }
}

// Runs on the stack of the thread giving up the CPU until some thread can run; the time it
// waits is not that thread's.
Thread& pick_next() {
    running->cpu_time.stop(clock::monotonic_ns());
    for (;;) {
        // A host signal posted while a thread was on its way to block must wake it now.
        if (signal_hooks.collect)
            signal_hooks.collect();
        expire_timers();
        poll_devices();
        if (Thread* next = run_queue.take_first())
            return *next;
        // With a network device, traffic may wake any thread: no wait is then a deadlock.
        uint64_t interest = device_hooks.interest;
        if (!input_waiters.is_empty() || (input_readiness && input_readiness->has_observers()))
            interest |= abi::poll_event_stdin;
        uint64_t device_deadline =
            device_hooks.next_deadline_ns ? device_hooks.next_deadline_ns() : 0;
        uint64_t signal_deadline =
            signal_hooks.next_deadline_ns ? signal_hooks.next_deadline_ns() : 0;
        Thread* earliest = sleepers.first();
        if (!earliest && !device_deadline && !signal_deadline && !interest && outside_waits == 0 &&
            !(signal_hooks.external_wake && signal_hooks.external_wake())) {
            klog("all %zu threads are blocked with nothing that could wake them: deadlock",
                 thread_count);
            platform::exit(ingot::abi::exit_killed_by(9));
        }
        uint64_t deadline = earliest ? earliest->wake_deadline_ns : 0;
        if (device_deadline && (!deadline || device_deadline < deadline))
            deadline = device_deadline;
        if (signal_deadline && (!deadline || signal_deadline < deadline))
            deadline = signal_deadline;
        uint64_t timeout = UINT64_MAX;
        if (deadline) {
            uint64_t now = clock::monotonic_ns();
            timeout = deadline > now ? deadline - now : 0;
        }
        uint64_t events = platform::wait_for_events(interest, timeout);
        if (events & abi::poll_event_stdin)
            console_input_arrived();
    }
}

void switch_to(Thread& next) {
    Thread* previous = running;
    uint64_t now = clock::monotonic_ns();
    if (&next == previous) {
        next.state = ThreadState::Running;
        next.cpu_time.resume(now);
        return;
    }
    previous->cpu_time.stop(now);
    next.cpu_time.resume(now);
    cpu::save_fpu(previous->fpu);
    running = &next;
    slice_started_ns = now;
    next.state = ThreadState::Running;
    cpu::restore_fpu(next.fpu);
    cpu::set_fs_base(next.fs_base);
    current_kernel_stack_top = next.kernel_stack_top;
    switch_context(&previous->saved_rsp, next.saved_rsp);
    // Back on `previous`: a thread that exited meanwhile can now lose its stack.
    if (to_reap) {
        destroy_thread(*to_reap);
        to_reap = nullptr;
    }
}

} // namespace

Thread* current() {
    return running;
}

Thread* find(uint32_t tid) {
    for (auto& thread : threads) {
        if (thread.tid == tid)
            return &thread;
    }
    return nullptr;
}

size_t live_threads() {
    return thread_count;
}

WaitQueue& stdin_waiters() {
    return input_waiters;
}

Readiness& stdin_readiness() {
    if (!input_readiness)
        input_readiness = new Readiness;
    return *input_readiness;
}

bool console_input_arrived() {
    bool observed = input_readiness && input_readiness->has_observers();
    bool woken = wake_some(input_waiters, SIZE_MAX) != 0;
    if (observed)
        input_readiness->notify(poll_event::in | poll_event::read_normal);
    return woken || observed;
}

void add(Thread& thread) {
    threads.append(thread);
    ++thread_count;
    thread.state = ThreadState::Runnable;
    run_queue.append(thread);
}

void start(Thread& first) {
    threads.append(first);
    ++thread_count;
    running = &first;
    first.state = ThreadState::Running;
    first.cpu_time.resume(clock::monotonic_ns());
    cpu::restore_fpu(first.fpu);
    cpu::set_fs_base(first.fs_base);
    current_kernel_stack_top = first.kernel_stack_top;
    uint64_t unused;
    switch_context(&unused, first.saved_rsp);
    __builtin_unreachable();
}

void yield() {
    if (run_queue.is_empty() && sleepers.is_empty())
        return;
    expire_timers();
    if (run_queue.is_empty())
        return;
    preempt();
}

bool preemption_due() {
    if (signal_hooks.collect)
        signal_hooks.collect();
    expire_timers();
    poll_devices();
    return !run_queue.is_empty();
}

void preempt() {
    running->state = ThreadState::Runnable;
    run_queue.append(*running);
    switch_to(*run_queue.take_first());
}

WakeReason block(WaitQueue* queue, uint64_t deadline_ns) {
    Thread& self = *running;
    // Linux checks for a signal before sleeping too: a pending one ends the wait at once.
    if (signal_hooks.pending && signal_hooks.pending(self))
        return WakeReason::Interrupted;
    self.state = ThreadState::Blocked;
    self.wake_reason = WakeReason::None;
    if (queue)
        queue->append(self);
    self.wake_deadline_ns = deadline_ns;
    if (deadline_ns != no_deadline)
        add_sleeper(self);
    switch_to(pick_next());
    return self.wake_reason;
}

void set_signal_hooks(const SignalHooks& hooks) {
    signal_hooks = hooks;
}

void set_device_hooks(const DeviceHooks& hooks) {
    device_hooks = hooks;
}

void poll_devices() {
    if (device_hooks.poll)
        device_hooks.poll();
}

IntrusiveList<Thread, &Thread::all_node>& all_threads() {
    return threads;
}

void interrupt(Thread& thread) {
    if (thread.state == ThreadState::Blocked)
        make_runnable(thread, WakeReason::Interrupted);
}

void wake(Thread& thread) {
    if (thread.state == ThreadState::Blocked)
        make_runnable(thread, WakeReason::Woken);
}

size_t wake_some(WaitQueue& queue, size_t count) {
    size_t woken = 0;
    while (woken < count) {
        Thread* thread = queue.first();
        if (!thread)
            break;
        make_runnable(*thread, WakeReason::Woken);
        ++woken;
    }
    return woken;
}

OutsideWait::OutsideWait() {
    ++outside_waits;
}

OutsideWait::~OutsideWait() {
    --outside_waits;
}

void enter_kernel() {
    uint64_t now = clock::monotonic_ns();
    running->cpu_time.enter_kernel(now);
    if (now - slice_started_ns < time_slice_ns)
        return;
    slice_started_ns = now;
    if (preemption_due())
        preempt();
}

void leave_kernel() {
    running->cpu_time.leave_kernel(clock::monotonic_ns());
}

CpuTimes thread_cpu_time(const Thread& thread) {
    return thread.cpu_time.read(clock::monotonic_ns());
}

CpuTimes process_cpu_time() {
    uint64_t now = clock::monotonic_ns();
    CpuTimes total = exited_cpu_time;
    for (auto& thread : threads)
        total += thread.cpu_time.read(now);
    return total;
}

void exit_current() {
    Thread& self = *running;
    self.state = ThreadState::Dead;
    exited_cpu_time += self.cpu_time.read(clock::monotonic_ns());
    decltype(threads)::remove(self);
    --thread_count;
    if (to_reap)
        destroy_thread(*to_reap);
    to_reap = &self;
    switch_to(pick_next());
    __builtin_unreachable();
}

} // namespace kernel::scheduler
