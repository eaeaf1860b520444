#include "lib/timer_wheel.h"

namespace kernel {

namespace {

constexpr uint64_t level_span(unsigned level) {
    return uint64_t(1) << (TimerWheel::level_bits * level);
}

uint64_t rotate_right(uint64_t value, unsigned count) {
    count %= 64;
    return count ? (value >> count) | (value << (64 - count)) : value;
}

} // namespace

TimerWheel::TimerWheel(uint64_t now, unsigned tick_shift)
    : m_tick_shift(tick_shift), m_tick(now >> tick_shift) {}

void TimerWheel::link(TimerWheelNode& node, unsigned slot) {
    TimerWheelNode*& head = m_slots[slot];
    node.slot = static_cast<uint16_t>(slot);
    node.next = head;
    if (head)
        head->link = &node.next;
    head = &node;
    node.link = &head;
    m_occupied[slot / slots_per_level] |= uint64_t(1) << (slot % slots_per_level);
    ++m_size;
}

void TimerWheel::unlink(TimerWheelNode& node) {
    *node.link = node.next;
    if (node.next)
        node.next->link = node.link;
    node.next = nullptr;
    node.link = nullptr;
    --m_size;
    // A node taken onto a caller's list keeps its slot number; the slot may be empty already.
    if (!m_slots[node.slot])
        m_occupied[node.slot / slots_per_level] &= ~(uint64_t(1) << (node.slot % slots_per_level));
}

void TimerWheel::take_slot(unsigned slot, TimerWheelNode*& list) {
    list = m_slots[slot];
    m_slots[slot] = nullptr;
    if (list)
        list->link = &list;
    m_occupied[slot / slots_per_level] &= ~(uint64_t(1) << (slot % slots_per_level));
}

void TimerWheel::place(TimerWheelNode& node) {
    uint64_t tick = node.expires >> m_tick_shift;
    if (tick <= m_tick) {
        link(node, current_slot());
        return;
    }
    uint64_t delta = tick - m_tick;
    for (unsigned level = 0; level < levels; ++level) {
        if (delta < level_span(level + 1)) {
            auto index = static_cast<unsigned>((tick >> (level_bits * level)) % slots_per_level);
            link(node, level * slots_per_level + index);
            return;
        }
    }
    // Beyond the top level: its farthest slot, from which the cascade places it again.
    unsigned top = levels - 1;
    uint64_t farthest = m_tick + level_span(levels) - 1;
    auto index = static_cast<unsigned>((farthest >> (level_bits * top)) % slots_per_level);
    link(node, top * slots_per_level + index);
}

void TimerWheel::schedule(TimerWheelNode& node, void* owner, uint64_t expires) {
    if (node.is_scheduled()) {
        if (node.expires == expires && node.owner == owner)
            return;
        unlink(node);
    }
    node.owner = owner;
    node.expires = expires;
    place(node);
}

void TimerWheel::cancel(TimerWheelNode& node) {
    if (node.is_scheduled())
        unlink(node);
}

uint64_t TimerWheel::level_event_tick(unsigned level) const {
    uint64_t occupied = m_occupied[level];
    if (level == 0) {
        // Level 0 holds the ticks up to 63 after the current one, each in its own slot.
        occupied &= ~(uint64_t(1) << current_slot());
        uint64_t ahead = rotate_right(occupied, current_slot() + 1);
        if (!ahead)
            return UINT64_MAX;
        return m_tick + 1 + static_cast<uint64_t>(__builtin_ctzll(ahead));
    }
    if (!occupied)
        return UINT64_MAX;
    // A slot cascades when the clock reaches the start of its span; the current span's own
    // slot cascaded already, so its entries are a full turn of this level ahead.
    unsigned shift = level_bits * level;
    uint64_t next_span = (m_tick >> shift) + 1;
    uint64_t ahead = rotate_right(occupied, static_cast<unsigned>(next_span % slots_per_level));
    return (next_span + static_cast<uint64_t>(__builtin_ctzll(ahead))) << shift;
}

uint64_t TimerWheel::next_event_tick() const {
    uint64_t earliest = UINT64_MAX;
    for (unsigned level = 0; level < levels; ++level) {
        uint64_t tick = level_event_tick(level);
        if (tick < earliest)
            earliest = tick;
    }
    return earliest;
}

void TimerWheel::move_to(uint64_t tick) {
    // Entries filed into the current slot at or before the clock while it expired wait for
    // the next call; they move along with the clock rather than stay behind in an old slot.
    TimerWheelNode* carried = nullptr;
    take_slot(current_slot(), carried);
    m_tick = tick;
    for (unsigned level = levels - 1; level > 0; --level) {
        if (tick % level_span(level) == 0)
            cascade(level);
    }
    while (TimerWheelNode* node = carried) {
        unlink(*node);
        place(*node);
    }
}

void TimerWheel::cascade(unsigned level) {
    auto index = static_cast<unsigned>((m_tick >> (level_bits * level)) % slots_per_level);
    TimerWheelNode* list = nullptr;
    take_slot(level * slots_per_level + index, list);
    while (TimerWheelNode* node = list) {
        unlink(*node);
        place(*node);
    }
}

uint64_t TimerWheel::next_deadline() const {
    if (m_size == 0)
        return 0;
    uint64_t earliest = UINT64_MAX;
    auto slot_minimum = [&](unsigned slot) {
        for (TimerWheelNode* node = m_slots[slot]; node; node = node->next) {
            if (node->expires < earliest)
                earliest = node->expires;
        }
    };
    slot_minimum(current_slot());
    uint64_t level0 = level_event_tick(0);
    if (level0 != UINT64_MAX)
        slot_minimum(static_cast<unsigned>(level0 % slots_per_level));
    for (unsigned level = 1; level < levels; ++level) {
        uint64_t tick = level_event_tick(level);
        if (tick != UINT64_MAX && (tick << m_tick_shift) < earliest)
            earliest = tick << m_tick_shift;
    }
    // A key of 0 is filed like any other; 0 itself means "nothing" to the caller.
    return earliest ? earliest : 1;
}

} // namespace kernel
