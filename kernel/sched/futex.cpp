#include "sched/futex.h"

#include "mm/user_memory.h"
#include "sched/scheduler.h"

namespace kernel::futex {

namespace {

constexpr size_t bucket_count = 64;
WaitQueue buckets[bucket_count];

WaitQueue& bucket_of(uint64_t address) {
    return buckets[(address >> 2) % bucket_count];
}

} // namespace

ErrorOr<void> wait(uint64_t address, uint32_t expected, uint64_t deadline_ns, uint32_t bitset) {
    if (address % 4 || bitset == 0)
        return EINVAL;
    uint32_t value = TRY(read_user<uint32_t>(address));
    if (value != expected)
        return EAGAIN;
    Thread& self = *scheduler::current();
    self.futex_address = address;
    self.futex_bitset = bitset;
    WakeReason reason = scheduler::block(&bucket_of(address), deadline_ns);
    self.futex_address = 0;
    if (reason == WakeReason::TimedOut)
        return ETIMEDOUT;
    if (reason == WakeReason::Interrupted)
        return EINTR;
    return {};
}

size_t wake(uint64_t address, size_t count, uint32_t bitset) {
    size_t woken = 0;
    for (auto& thread : bucket_of(address)) {
        if (woken == count)
            break;
        if (thread.futex_address == address && (thread.futex_bitset & bitset)) {
            scheduler::wake(thread);
            ++woken;
        }
    }
    return woken;
}

size_t requeue(uint64_t from, uint64_t to, size_t wake_count, size_t move_count) {
    size_t woken = 0, moved = 0;
    WaitQueue& source = bucket_of(from);
    WaitQueue& target = bucket_of(to);
    for (auto& thread : source) {
        if (thread.futex_address != from)
            continue;
        if (woken < wake_count) {
            scheduler::wake(thread);
            ++woken;
        } else if (moved < move_count) {
            WaitQueue::remove(thread);
            thread.futex_address = to;
            target.append(thread);
            ++moved;
        } else {
            break;
        }
    }
    return woken + moved;
}

} // namespace kernel::futex
