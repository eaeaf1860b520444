// One interval timer of setitimer(2): a deadline and the interval that re-arms it, on a clock
// the caller reads. Plain arithmetic, unit-tested on the host.
#pragma once

#include <stdint.h>

namespace kernel {

class IntervalTimer {
public:
    // What setitimer takes and getitimer gives: the time to the next expiry (0: disarmed) and
    // the interval after it (0: once).
    struct Setting {
        uint64_t value_ns = 0;
        uint64_t interval_ns = 0;
    };

    // The setting at `now_ns`. An armed timer never reads as disarmed: at least 1 µs remains, as
    // Linux's itimer_get_remtime answers for a timer whose expiry is being handled.
    Setting read(uint64_t now_ns) const {
        if (!m_deadline_ns)
            return {0, m_interval_ns};
        uint64_t left = m_deadline_ns > now_ns ? m_deadline_ns - now_ns : 0;
        return {left < minimum_left_ns ? minimum_left_ns : left, m_interval_ns};
    }

    // Arms the timer `setting.value_ns` after `now_ns`, or disarms it with a zero value (which
    // also drops the interval, as Linux's do_setitimer does). Returns the previous setting.
    Setting set(uint64_t now_ns, Setting setting) {
        Setting previous = read(now_ns);
        if (!setting.value_ns) {
            m_deadline_ns = 0;
            m_interval_ns = 0;
            return previous;
        }
        m_deadline_ns = saturating_add(now_ns, setting.value_ns);
        m_interval_ns = setting.interval_ns;
        return previous;
    }

    // Whether the timer expired by `now_ns`. An expired timer with an interval is re-armed at
    // the first multiple of it after `now_ns` counted from the missed deadline (Linux's
    // hrtimer_forward: expiries missed meanwhile are one); without one it is disarmed.
    bool expire(uint64_t now_ns) {
        if (!m_deadline_ns || m_deadline_ns > now_ns)
            return false;
        if (!m_interval_ns) {
            m_deadline_ns = 0;
            return true;
        }
        uint64_t missed = (now_ns - m_deadline_ns) / m_interval_ns + 1;
        uint64_t step = missed > UINT64_MAX / m_interval_ns ? UINT64_MAX : missed * m_interval_ns;
        m_deadline_ns = saturating_add(m_deadline_ns, step);
        return true;
    }

    // When it expires next; 0 when disarmed.
    uint64_t deadline_ns() const { return m_deadline_ns; }

private:
    static constexpr uint64_t minimum_left_ns = 1000;

    static uint64_t saturating_add(uint64_t a, uint64_t b) {
        return b > UINT64_MAX - a ? UINT64_MAX : a + b;
    }

    uint64_t m_deadline_ns = 0;
    uint64_t m_interval_ns = 0;
};

} // namespace kernel
