#include "vmm/host_signals.h"

#include "support/error.h"

#include <fmt/format.h>

#include <unistd.h>

#include <cerrno>

namespace ingot {

namespace {

// Written by the handlers, which run only inside the Poll hypercall's ppoll (the signals are
// blocked everywhere else), and read outside it: no race between the two.
volatile sig_atomic_t arrivals[NSIG]; // per signal, not yet taken
volatile sig_atomic_t any_arrived;

void count_arrival(int signal) {
    arrivals[signal] = arrivals[signal] + 1;
    any_arrived = 1;
}

// The stop timer's signal only has to interrupt KVM_RUN or ppoll; take() looks at the clock.
void ignore_timer(int) {}

void install(int signal, void (*handler)(int)) {
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    // No SA_RESTART: the wait it interrupts must return, to let the run loop act.
    sigaction(signal, &action, nullptr);
}

timespec to_timespec(StopPolicy::Clock::time_point point) {
    auto since = point.time_since_epoch();
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since);
    return {static_cast<time_t>(seconds.count()),
            static_cast<long>(std::chrono::nanoseconds(since - seconds).count())};
}

} // namespace

HostSignals::HostSignals(std::optional<StopPolicy::Clock::duration> stop_timeout)
    : m_policy(stop_timeout), m_forwarded(forwarded_signals()),
      // SIGRTMIN: a signal nobody sends ingot by accident (SIGALRM might come from a user).
      m_timer_signal(SIGRTMIN) {
    for (int signal = 1; signal < NSIG; ++signal) {
        arrivals[signal] = 0;
        if (sigismember(&m_forwarded, signal) == 1)
            install(signal, count_arrival);
    }
    any_arrived = 0;
    install(m_timer_signal, ignore_timer);
    // The guest's console writes report EPIPE to the guest, whose kernel raises SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);

    sigset_t blocked = m_forwarded;
    sigaddset(&blocked, m_timer_signal);
    sigprocmask(SIG_BLOCK, &blocked, &m_waiting_mask);
    for (int signal = 1; signal < NSIG; ++signal)
        if (sigismember(&blocked, signal) == 1)
            sigdelset(&m_waiting_mask, signal);

    // Aimed at this thread (the vCPU's): a process-directed signal could go to another.
    sigevent event{};
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = m_timer_signal;
    event._sigev_un._tid = ::gettid();
    if (timer_create(CLOCK_MONOTONIC, &event, &m_timer) != 0)
        fail("cannot create the stop timer: {}", system_error_text(errno));
    m_timer_created = true;
}

HostSignals::~HostSignals() {
    if (m_timer_created)
        timer_delete(m_timer);
}

const volatile sig_atomic_t* HostSignals::arrived() const {
    return &any_arrived;
}

std::optional<int> HostSignals::take(const std::function<bool(uint64_t)>& post) {
    // A signal that interrupted KVM_RUN is pending but blocked again: take it here.
    sigset_t blocked = m_forwarded;
    sigaddset(&blocked, m_timer_signal);
    timespec no_wait{0, 0};
    int signal;
    while ((signal = sigtimedwait(&blocked, nullptr, &no_wait)) > 0)
        if (signal != m_timer_signal)
            arrivals[signal] = arrivals[signal] + 1;
    any_arrived = 0;

    auto now = StopPolicy::Clock::now();
    uint64_t for_program = 0;
    int last = 0;
    for (signal = 1; signal < NSIG; ++signal) {
        while (arrivals[signal] > 0) {
            arrivals[signal] = arrivals[signal] - 1;
            if (auto verdict = m_policy.on_signal(signal, now))
                return stop(*verdict);
            for_program |= uint64_t(1) << (signal - 1);
            last = signal;
        }
    }
    if (for_program && !post(for_program))
        return stop(m_policy.before_start(last));
    if (auto verdict = m_policy.on_time(now))
        return stop(*verdict);
    if (m_policy.deadline() && !m_timer_armed)
        arm_timer(*m_policy.deadline());
    return std::nullopt;
}

std::optional<int> HostSignals::stop(const StopPolicy::Stop& stop) {
    if (!stop.message.empty())
        fmt::print(stderr, "{}\n", stop.message);
    return stop.status;
}

void HostSignals::arm_timer(StopPolicy::Clock::time_point deadline) {
    // steady_clock is CLOCK_MONOTONIC, the timer's clock.
    itimerspec when{};
    when.it_value = to_timespec(deadline);
    if (timer_settime(m_timer, TIMER_ABSTIME, &when, nullptr) != 0)
        fail("cannot arm the stop timer: {}", system_error_text(errno));
    m_timer_armed = true;
}

} // namespace ingot
