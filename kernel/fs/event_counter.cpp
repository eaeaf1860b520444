#include "fs/event_counter.h"

#include "sched/readiness.h"

namespace kernel {

bool EventCounter::add(uint64_t value) {
    if (!can_add(value))
        return false;
    m_count += value;
    return true;
}

uint64_t EventCounter::take() {
    uint64_t value = m_semaphore && m_count ? 1 : m_count;
    m_count -= value;
    return value;
}

uint32_t EventCounter::poll_events() const {
    uint32_t events = 0;
    if (m_count > 0)
        events |= poll_event::in | poll_event::read_normal;
    if (can_add(1))
        events |= poll_event::out | poll_event::write_normal;
    return events;
}

} // namespace kernel
