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

} // namespace

ErrorOr<long> sys_getrandom(UserPointer buffer, size_t length, unsigned flags) {
    if (flags & ~7u) // GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE
        return EINVAL;
    if (!user_address_space().is_accessible(buffer.address, length, Access::Write))
        return EFAULT;
    uint8_t chunk[256];
    size_t done = 0;
    while (done < length) {
        size_t take = min(length - done, sizeof chunk);
        fill_random(chunk, take);
        TRY(copy_to_user(buffer.address + done, chunk, take));
        done += take;
    }
    return static_cast<long>(done);
}

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

} // namespace kernel
