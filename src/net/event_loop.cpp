#include "net/event_loop.h"

#include "support/error.h"

#include <fmt/format.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace ingot {

namespace {

int checked(int result, const char* what) {
    if (result < 0)
        throw std::system_error(errno, std::generic_category(), what);
    return result;
}

} // namespace

EventLoop::EventLoop()
    : m_epoll(checked(::epoll_create1(EPOLL_CLOEXEC), "epoll_create1")),
      m_stop(checked(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), "eventfd")) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = nullptr; // the stop request
    checked(::epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, m_stop.get(), &event), "epoll_ctl");
}

void EventLoop::watch(int fd, uint32_t events, EventHandler* handler) {
    epoll_event event{};
    event.events = events;
    event.data.ptr = handler;
    checked(::epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, fd, &event), "epoll_ctl");
}

void EventLoop::change(int fd, uint32_t events, EventHandler* handler) {
    epoll_event event{};
    event.events = events;
    event.data.ptr = handler;
    checked(::epoll_ctl(m_epoll.get(), EPOLL_CTL_MOD, fd, &event), "epoll_ctl");
}

void EventLoop::forget(int fd) {
    ::epoll_ctl(m_epoll.get(), EPOLL_CTL_DEL, fd, nullptr);
}

int EventLoop::wait_timeout_ms() const {
    Clock::time_point deadline = Clock::time_point::max();
    for (TimedWork* work : m_timed_work)
        deadline = std::min(deadline, work->next_deadline());
    if (deadline == Clock::time_point::max())
        return -1;
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    return static_cast<int>(std::clamp<int64_t>(wait.count(), 0, 60'000));
}

bool EventLoop::run() {
    for (;;) {
        epoll_event events[256];
        int count = ::epoll_wait(m_epoll.get(), events, 256, wait_timeout_ms());
        if (count < 0 && errno != EINTR) {
            fmt::print(stderr, "ingot: the port proxy stopped: epoll_wait: {}\n",
                       system_error_text(errno));
            return false;
        }
        for (int i = 0; i < count; ++i) {
            if (!events[i].data.ptr)
                return true;
            static_cast<EventHandler*>(events[i].data.ptr)->handle_events(events[i].events);
        }
        m_retired.clear();
        Clock::time_point now = Clock::now();
        for (TimedWork* work : m_timed_work)
            if (work->next_deadline() <= now)
                work->run_due(now);
        m_retired.clear();
    }
}

void EventLoop::stop() {
    uint64_t one = 1;
    // The counter only saturates after 2^64 - 2 stops: this write cannot block or fail.
    [[maybe_unused]] ssize_t written = ::write(m_stop.get(), &one, sizeof one);
}

} // namespace ingot
