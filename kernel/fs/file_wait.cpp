#include "fs/file_wait.h"

namespace kernel {

namespace {

void wake_thread(ReadinessObserver& self, uint32_t) {
    scheduler::wake(*static_cast<Thread*>(self.context));
}

} // namespace

void ThreadWakeObserver::set_thread(Thread& thread) {
    notify = wake_thread;
    context = &thread;
}

ErrorOr<uint32_t> wait_for_file_events(File& file, uint32_t events, uint64_t deadline_ns) {
    uint32_t wanted = events | poll_event::error | poll_event::hang_up;
    ThreadWakeObserver observer(*scheduler::current());
    ReadinessSubscription subscription(file.readiness(), observer);
    for (;;) {
        if (uint32_t ready = file.poll_events() & wanted)
            return ready;
        scheduler::poll_devices();
        if (uint32_t ready = file.poll_events() & wanted)
            return ready;
        WakeReason reason = scheduler::block(nullptr, deadline_ns);
        if (reason == WakeReason::Interrupted)
            return EINTR;
        if (reason == WakeReason::TimedOut) {
            if (uint32_t ready = file.poll_events() & wanted)
                return ready;
            return ETIMEDOUT;
        }
    }
}

} // namespace kernel
