// The counter behind an eventfd (eventfd(2)): writes add to it and must never take it past
// 2^64 - 2; reads take all of it, or one in semaphore mode. Apart from the blocking, which the
// file does, so that the rules are tested on the host.
#pragma once

#include <stdint.h>

namespace kernel {

class EventCounter {
public:
    static constexpr uint64_t maximum = UINT64_MAX - 1;

    EventCounter(uint64_t initial, bool semaphore) : m_count(initial), m_semaphore(semaphore) {}

    uint64_t count() const { return m_count; }
    // Whether a write of `value` completes now rather than block (or fail with EAGAIN).
    bool can_add(uint64_t value) const { return value <= maximum - m_count; }
    // Adds `value` when it fits; false (and no change) when it does not.
    bool add(uint64_t value);
    // What a read returns: the whole count, or 1 in semaphore mode; 0 (and no change) when
    // the count is 0, where a read blocks.
    uint64_t take();
    // POLLIN when a read completes now; POLLOUT when a write of 1 does (as Linux's
    // eventfd_poll: poll cannot know the value a writer has in mind).
    uint32_t poll_events() const;

private:
    uint64_t m_count;
    bool m_semaphore;
};

} // namespace kernel
