// Blocking on files: a thread sleeps until a file has the events it needs, its deadline passes
// or a signal is to be delivered. Blocking reads and writes of pipes, eventfds and sockets are
// non-blocking attempts retried after such a wait.
#pragma once

#include "fs/file.h"
#include "sched/scheduler.h"

namespace kernel {

// Wakes `thread` whenever the readiness it is subscribed to changes.
struct ThreadWakeObserver : ReadinessObserver {
    ThreadWakeObserver() = default;
    explicit ThreadWakeObserver(Thread& thread) { set_thread(thread); }
    void set_thread(Thread& thread);
};

// Keeps `observer` subscribed to a readiness (which may be null) for as long as it lives.
class ReadinessSubscription {
public:
    ReadinessSubscription(Readiness* readiness, ReadinessObserver& observer)
        : m_readiness(readiness), m_observer(observer) {
        if (m_readiness)
            m_readiness->subscribe(m_observer);
    }
    ~ReadinessSubscription() {
        if (m_readiness)
            Readiness::unsubscribe(m_observer);
    }
    ReadinessSubscription(const ReadinessSubscription&) = delete;
    ReadinessSubscription& operator=(const ReadinessSubscription&) = delete;

private:
    Readiness* m_readiness;
    ReadinessObserver& m_observer;
};

// Blocks until `file` has one of `events` (error and hang-up always count), returning those
// that hold; ETIMEDOUT when `deadline_ns` passes first, EINTR when a signal interrupts.
ErrorOr<uint32_t> wait_for_file_events(File& file, uint32_t events, uint64_t deadline_ns);

template <typename T> bool would_block(const ErrorOr<T>& result) {
    return result.is_error() && result.error().code() == EAGAIN;
}

// Runs the non-blocking `attempt` until it no longer fails with EAGAIN. A non-blocking file
// gets one more try after the devices were polled (so that a program that never blocks still
// sees its packets); a blocking one waits for `events` between tries.
template <typename Attempt>
auto retry_until_ready(File& file, uint32_t events, Attempt attempt) -> decltype(attempt()) {
    for (;;) {
        auto result = attempt();
        if (!would_block(result))
            return result;
        if (file.is_nonblocking()) {
            scheduler::poll_devices();
            return attempt();
        }
        auto waited = wait_for_file_events(file, events, scheduler::no_deadline);
        if (waited.is_error())
            return waited.error();
    }
}

} // namespace kernel
