// Readiness: how a file (socket, pipe, eventfd) tells whoever waits on it that its state
// changed. A thread can sit on one wait queue only, but poll() and epoll watch many files at
// once, so each watcher brings its own observer node instead.
#pragma once

#include "lib/intrusive_list.h"

#include <stdint.h>

namespace kernel {

// The Linux poll/epoll event bits (the same values in both ABIs).
namespace poll_event {
inline constexpr uint32_t in = 0x001;
inline constexpr uint32_t pri = 0x002;
inline constexpr uint32_t out = 0x004;
inline constexpr uint32_t error = 0x008;
inline constexpr uint32_t hang_up = 0x010;
inline constexpr uint32_t invalid = 0x020;
inline constexpr uint32_t read_normal = 0x040;
inline constexpr uint32_t write_normal = 0x100;
inline constexpr uint32_t read_hang_up = 0x2000;
} // namespace poll_event

struct ReadinessObserver {
    ListNode node;
    // Called with the file's current events whenever they may have changed. Must not block
    // and must not unsubscribe other observers of the same Readiness.
    void (*notify)(ReadinessObserver& self, uint32_t events) = nullptr;
    void* context = nullptr;
    // EPOLLEXCLUSIVE: of the exclusive observers, only those up to the first whose notify
    // sets `claimed` (it woke a waiter) hear of a change, so one waiter wakes, not all.
    bool exclusive = false;
    bool claimed = false;
};

class Readiness {
public:
    constexpr Readiness() = default;
    Readiness(const Readiness&) = delete;
    Readiness& operator=(const Readiness&) = delete;
    ~Readiness() {
        while (m_observers.take_first()) {
        }
    }

    void subscribe(ReadinessObserver& observer) { m_observers.append(observer); }
    static void unsubscribe(ReadinessObserver& observer) {
        IntrusiveList<ReadinessObserver, &ReadinessObserver::node>::remove(observer);
    }
    bool has_observers() const { return !m_observers.is_empty(); }
    // Every observer now watches `other` instead, in the same order: for a file whose state
    // moves to a new object behind it (a TCP socket's connect(AF_UNSPEC)).
    void move_observers_to(Readiness& other) {
        while (ReadinessObserver* observer = m_observers.take_first())
            other.subscribe(*observer);
    }

    // Tells every observer the current `events`, and the exclusive ones in turn until one
    // claims them (Linux's exclusive wake-up); an observer may unsubscribe itself.
    void notify(uint32_t events) {
        bool claimed = false;
        for (auto& observer : m_observers) {
            if (!observer.exclusive) {
                observer.notify(observer, events);
            } else if (!claimed) {
                observer.claimed = false;
                observer.notify(observer, events);
                claimed = observer.claimed;
            }
        }
    }

private:
    IntrusiveList<ReadinessObserver, &ReadinessObserver::node> m_observers;
};

} // namespace kernel
