// The port proxy's event loop: epoll on one thread, stopped from another. Handlers that close
// mid-batch are retired, not destroyed, until the batch ends, because events already taken
// for them may still be dispatched.
#pragma once

#include "net/owned_fd.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace ingot {

using Clock = std::chrono::steady_clock;

class EventHandler {
public:
    virtual ~EventHandler() = default;
    virtual void handle_events(uint32_t events) = 0;
};

// Work with deadlines (idle timeouts, retries): the loop wakes for the earliest.
class TimedWork {
public:
    virtual ~TimedWork() = default;
    virtual Clock::time_point next_deadline() const = 0; // time_point::max() for none
    virtual void run_due(Clock::time_point now) = 0;
};

class EventLoop {
public:
    EventLoop();

    // Errors here are the host's (no memory, no descriptors): they throw std::system_error.
    void watch(int fd, uint32_t events, EventHandler* handler);
    void change(int fd, uint32_t events, EventHandler* handler);
    // Before closing a watched descriptor: epoll keys on the open file, which a fork (QEMU's,
    // until its exec) may keep alive after the close, and with it events for a dead handler.
    void forget(int fd);
    void add_timed_work(TimedWork* work) { m_timed_work.push_back(work); }
    void retire(std::unique_ptr<EventHandler> handler) { m_retired.push_back(std::move(handler)); }

    // Dispatches events until stop(); returns false (having said why on stderr) if epoll
    // itself failed.
    bool run();
    // From any thread.
    void stop();

private:
    int wait_timeout_ms() const;

    OwnedFd m_epoll;
    OwnedFd m_stop;
    std::vector<TimedWork*> m_timed_work;
    std::vector<std::unique_ptr<EventHandler>> m_retired;
};

} // namespace ingot
