#include "arch/x86_64/cpu.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "linux/entropy.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"

namespace kernel {

namespace {

RandomGenerator generator;
bool hardware_random;

long sys_getrandom(SyscallFrame& f) {
    if (f.rdx & ~7ull) // GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE
        return -EINVAL;
    if (!user_address_space().is_accessible(f.rdi, f.rsi, Access::Write))
        return -EFAULT;
    uint8_t chunk[256];
    size_t done = 0;
    while (done < f.rsi) {
        size_t take = min(f.rsi - done, sizeof chunk);
        fill_random(chunk, take);
        TRY_SYSCALL(copy_to_user(f.rdi + done, chunk, take));
        done += take;
    }
    return static_cast<long>(done);
}

} // namespace

void seed_random(const uint8_t seed[32]) {
    generator.seed(seed);
    hardware_random = cpu::has_rdrand();
}

void mix_random(const uint8_t entropy[32]) {
    for (size_t i = 0; i < 32; i += 8) {
        uint64_t word;
        memcpy(&word, entropy + i, sizeof word);
        generator.mix(word);
    }
}

void fill_random(void* destination, size_t length) {
    uint64_t extra;
    if (hardware_random && cpu::rdrand(extra))
        generator.mix(extra);
    generator.mix(cpu::read_tsc());
    generator.fill(destination, length);
}

void register_random_syscalls() {
    register_syscall(nr::getrandom, sys_getrandom);
}

} // namespace kernel
