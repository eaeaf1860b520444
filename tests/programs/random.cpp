// Randomness: std::random_device and getrandom(2) give values that differ.
#include <sys/random.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <set>

int main() {
    std::random_device device;
    std::set<unsigned> values;
    for (int i = 0; i < 16; ++i)
        values.insert(device());
    bool device_ok = values.size() >= 15;
    std::printf("random_device: %s\n", device_ok ? "ok" : "WRONG");
    if (!device_ok)
        std::printf("only %zu distinct values of 16\n", values.size());

    unsigned char a[32], b[32], zero[32] = {};
    ssize_t na = getrandom(a, sizeof a, 0), nb = getrandom(b, sizeof b, 0);
    bool getrandom_ok = na == 32 && nb == 32 && std::memcmp(a, b, 32) != 0 &&
                        std::memcmp(a, zero, 32) != 0 && std::memcmp(b, zero, 32) != 0;
    std::printf("getrandom: %s\n", getrandom_ok ? "ok" : "WRONG");
    if (!getrandom_ok)
        std::printf("getrandom returned %zd and %zd\n", na, nb);
    return device_ok && getrandom_ok ? 0 : 1;
}
