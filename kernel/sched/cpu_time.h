// One thread's CPU time, split as getrusage(2), times(2) and the CPU-time clocks report it:
// user time (running the program) and system time (running the kernel on its behalf). The
// scheduler says when the thread gets and loses the CPU, the syscall entry when it crosses
// into and out of the kernel; time while no thread runs (the CPU idles) is nobody's. An event
// taken in the program (a tick, a page fault) stays user time, as it is too short to matter.
// Plain arithmetic on the caller's clock readings, unit-tested on the host.
#pragma once

#include <stdint.h>

namespace kernel {

struct CpuTimes {
    uint64_t user_ns = 0;
    uint64_t system_ns = 0;

    uint64_t total_ns() const { return user_ns + system_ns; }
    CpuTimes& operator+=(const CpuTimes& other) {
        user_ns += other.user_ns;
        system_ns += other.system_ns;
        return *this;
    }
};

class CpuTimeAccount {
public:
    // The thread runs from `now_ns` (it was given the CPU), in the mode it stopped in. A new
    // thread's first run returns to the program.
    void resume(uint64_t now_ns) {
        if (m_running)
            return;
        m_running = true;
        m_since_ns = now_ns;
    }
    // The thread gives the CPU up (to another thread, or to an idle wait).
    void stop(uint64_t now_ns) {
        if (!m_running)
            return;
        charge(now_ns);
        m_running = false;
    }
    // A system call begins, or ends.
    void enter_kernel(uint64_t now_ns) {
        charge(now_ns);
        m_in_kernel = true;
    }
    void leave_kernel(uint64_t now_ns) {
        charge(now_ns);
        m_in_kernel = false;
    }

    // The times so far, the stretch still running included.
    CpuTimes read(uint64_t now_ns) const {
        CpuTimes times = m_times;
        if (m_running && now_ns > m_since_ns)
            (m_in_kernel ? times.system_ns : times.user_ns) += now_ns - m_since_ns;
        return times;
    }

private:
    void charge(uint64_t now_ns) {
        if (!m_running)
            return;
        if (now_ns <= m_since_ns)
            return;
        (m_in_kernel ? m_times.system_ns : m_times.user_ns) += now_ns - m_since_ns;
        m_since_ns = now_ns;
    }

    CpuTimes m_times;
    uint64_t m_since_ns = 0;
    bool m_running = false;
    bool m_in_kernel = false;
};

} // namespace kernel
