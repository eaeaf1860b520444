// The demo program: an ordinary static C++ program, nothing Ingot-specific in it.
#include <chrono>
#include <cstdlib>
#include <future>
#include <iostream>
#include <numeric>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
    const char* greeting = std::getenv("GREETING");
    std::cout << (greeting ? greeting : "hi") << " from a unikernel; argv:";
    for (int i = 0; i < argc; ++i)
        std::cout << " " << argv[i];
    std::cout << "\n";

    auto started = std::chrono::steady_clock::now();
    std::vector<std::future<long>> parts;
    for (long part = 0; part < 4; ++part)
        parts.push_back(std::async(std::launch::async, [part] {
            long sum = 0;
            for (long i = part * 250000; i < (part + 1) * 250000; ++i)
                sum += i;
            return sum;
        }));
    long total = 0;
    for (auto& part : parts)
        total += part.get();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    std::cout << "4 threads summed 0..999999 = " << total << " in " << elapsed.count()
              << " ms (with a 20 ms sleep)\n";
    return total == 499999500000 ? 0 : 1;
}
