// A hierarchical timing wheel (Varghese and Lauck, "Hashed and Hierarchical Timing Wheels",
// 1987; the cascading wheel of Linux before 4.8): scheduling and cancelling are O(1) and
// advancing the clock visits only what is due, however many timers there are.
//
// Times are 64-bit (nanoseconds for the kernel). Level 0 has one slot per tick of
// 2^tick_shift units; each level above has slots 64 times as wide. An entry beyond the top
// level's reach waits in its farthest slot and is placed again when that slot cascades. Keys
// stay exact: an entry expires when the clock reaches its key, not merely its tick.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel {

struct TimerWheelNode {
    TimerWheelNode* next = nullptr;
    TimerWheelNode** link = nullptr; // the pointer that points at this node, while scheduled
    void* owner = nullptr;
    uint64_t expires = 0;
    uint16_t slot = 0;
    bool is_scheduled() const { return link != nullptr; }
};

class TimerWheel {
public:
    static constexpr unsigned level_bits = 6;
    static constexpr unsigned slots_per_level = 1u << level_bits;
    static constexpr unsigned levels = 5;

    // `now` is the clock when the wheel starts; `tick_shift` the log2 of a level-0 slot's width.
    TimerWheel(uint64_t now, unsigned tick_shift);
    TimerWheel(const TimerWheel&) = delete;
    TimerWheel& operator=(const TimerWheel&) = delete;

    // Files `node` (for `owner`) to expire at `expires`, moving it if it was already filed.
    void schedule(TimerWheelNode& node, void* owner, uint64_t expires);
    void cancel(TimerWheelNode& node);

    // Moves the clock to `now` and calls `expire(owner)` once for each entry whose key is at
    // most `now`, after unfiling it: the callback may schedule it, or any other entry, again;
    // what it files into the current tick expires on the next call, so that it cannot loop.
    template <typename Expire> void advance(uint64_t now, Expire&& expire) {
        uint64_t target = now >> m_tick_shift;
        for (;;) {
            TimerWheelNode* pending = nullptr;
            take_slot(current_slot(), pending);
            while (TimerWheelNode* node = pending) {
                unlink(*node);
                if (node->expires <= now)
                    expire(node->owner);
                else
                    link(*node, current_slot());
            }
            if (m_tick >= target)
                break;
            uint64_t next = next_event_tick();
            move_to(next < target ? next : target);
        }
    }

    // A time at or before the earliest key: exact for entries within level 0's reach, else
    // the time their slot cascades (where the caller's wake-up refines it); 0 when empty.
    uint64_t next_deadline() const;
    size_t size() const { return m_size; }

private:
    unsigned current_slot() const { return static_cast<unsigned>(m_tick % slots_per_level); }
    void link(TimerWheelNode& node, unsigned slot);
    void unlink(TimerWheelNode& node);
    // Moves a slot's whole list onto `list`, a list head of the caller's.
    void take_slot(unsigned slot, TimerWheelNode*& list);
    void place(TimerWheelNode& node);
    // The first tick after the current one at which `level` has work: a level-0 slot's
    // entries expire or a higher level's slot cascades; UINT64_MAX when there is none.
    uint64_t level_event_tick(unsigned level) const;
    uint64_t next_event_tick() const;
    // Makes `tick` current, cascading the levels whose slot boundary it is.
    void move_to(uint64_t tick);
    void cascade(unsigned level);

    unsigned m_tick_shift;
    uint64_t m_tick; // the current tick: every entry of earlier ticks has expired
    size_t m_size = 0;
    uint64_t m_occupied[levels] = {}; // a bit per slot that holds entries
    TimerWheelNode* m_slots[levels * slots_per_level] = {};
};

} // namespace kernel
