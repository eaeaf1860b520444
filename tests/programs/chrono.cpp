// Time: steady_clock around a 100 ms sleep_for, and a plausible wall clock.
#include <chrono>
#include <cstdio>
#include <thread>

int main() {
    using namespace std::chrono;
    auto start = steady_clock::now();
    std::this_thread::sleep_for(milliseconds(100));
    auto elapsed = duration_cast<milliseconds>(steady_clock::now() - start).count();
    bool ok = elapsed >= 100 && elapsed < 2000;
    std::printf("slept: %s\n", ok ? "ok" : "WRONG");
    if (!ok)
        std::printf("elapsed %lld ms\n", static_cast<long long>(elapsed));
    // 2020-01-01T00:00:00Z
    long long now = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
    bool wall_ok = now > 1577836800LL;
    std::printf("wall clock: %s\n", wall_ok ? "ok" : "WRONG");
    if (!wall_ok)
        std::printf("system_clock says %lld\n", now);
    return ok && wall_ok ? 0 : 1;
}
