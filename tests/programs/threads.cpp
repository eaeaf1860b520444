// Threads: a bounded producer/consumer queue (mutex + condition_variable, so both sides block
// on futexes), std::async, joins, and a deterministic checksum.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

namespace {

constexpr int producers = 4, consumers = 3, items_per_producer = 20000, capacity = 8;

std::mutex mutex;
std::condition_variable not_full, not_empty;
std::deque<uint64_t> queue;
int producers_done = 0;

void produce(int id) {
    for (int i = 0; i < items_per_producer; ++i) {
        uint64_t item = uint64_t(id) * 1000003u + uint64_t(i);
        std::unique_lock lock(mutex);
        not_full.wait(lock, [] { return queue.size() < capacity; });
        queue.push_back(item);
        not_empty.notify_one();
    }
    std::lock_guard lock(mutex);
    ++producers_done;
    not_empty.notify_all();
}

void consume(uint64_t& sum, uint64_t& count) {
    for (;;) {
        std::unique_lock lock(mutex);
        not_empty.wait(lock, [] { return !queue.empty() || producers_done == producers; });
        if (queue.empty())
            return;
        uint64_t item = queue.front();
        queue.pop_front();
        not_full.notify_one();
        lock.unlock();
        sum += item * 2654435761u % 1000000007u;
        ++count;
    }
}

} // namespace

int main() {
    std::vector<uint64_t> sums(consumers), counts(consumers);
    std::vector<std::thread> threads;
    for (int c = 0; c < consumers; ++c)
        threads.emplace_back(consume, std::ref(sums[c]), std::ref(counts[c]));
    for (int p = 0; p < producers; ++p)
        threads.emplace_back(produce, p);
    for (auto& thread : threads)
        thread.join();
    uint64_t sum = 0, count = 0;
    for (int c = 0; c < consumers; ++c) {
        sum += sums[c];
        count += counts[c];
    }
    std::cout << "consumed " << count << " items, checksum " << sum << std::endl;

    std::vector<std::future<uint64_t>> parts;
    for (uint64_t part = 0; part < 4; ++part)
        parts.push_back(std::async(std::launch::async, [part] {
            uint64_t total = 0;
            for (uint64_t i = part * 1000000; i < (part + 1) * 1000000; ++i)
                total += i % 7;
            return total;
        }));
    uint64_t async_total = 0;
    for (auto& part : parts)
        async_total += part.get();
    std::cout << "async total " << async_total << std::endl;
    std::cout << "threads done" << std::endl;
    return 0;
}
