#include "platform/pvh/tsc_frequency.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/port_io.h"
#include "lib/utility.h"
#include "mm/physical_memory.h"

namespace kernel::pvh {

namespace {

constexpr uint64_t pit_hz = 1193182;
constexpr uint16_t pit_channel0 = 0x40, pit_command = 0x43;
// Long enough for a 0.1% reading with the PIT's 838 ns tick and slow port reads under TCG.
constexpr uint64_t pit_minimum_ticks = pit_hz / 500;
constexpr uint64_t pit_maximum_ticks = 60000; // the counter wraps at 65536

uint64_t pit_start_tsc;

uint16_t read_pit_counter() {
    port_io::outb(pit_command, 0x00); // latch channel 0
    uint8_t low = port_io::inb(pit_channel0);
    uint8_t high = port_io::inb(pit_channel0);
    return static_cast<uint16_t>(low | (high << 8));
}

// CPUID 0x15: the TSC/crystal ratio and the crystal's frequency (recent Intel, some VMMs).
uint64_t from_cpuid_crystal() {
    if (cpu::cpuid(0).eax < 0x15)
        return 0;
    auto leaf = cpu::cpuid(0x15);
    if (!leaf.eax || !leaf.ebx || !leaf.ecx)
        return 0;
    return static_cast<uint64_t>(leaf.ecx) * leaf.ebx / leaf.eax / 1000;
}

bool hypervisor_present() {
    return cpu::cpuid(1).ecx & (1u << 31);
}

// The hypervisor timing leaf QEMU/KVM and VMware fill in: EAX is the TSC frequency in kHz.
uint64_t from_hypervisor_leaf() {
    if (!hypervisor_present() || cpu::cpuid(0x40000000).eax < 0x40000010)
        return 0;
    return cpu::cpuid(0x40000010).eax;
}

struct [[gnu::packed]] PvclockTimeInfo {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad[2];
};

alignas(64) volatile PvclockTimeInfo kvm_clock;

// kvmclock publishes the scale from TSC ticks to nanoseconds.
uint64_t from_kvm_clock() {
    if (!hypervisor_present())
        return 0;
    auto signature = cpu::cpuid(0x40000000);
    if (signature.ebx != 0x4b4d564b || signature.ecx != 0x564b4d56 || signature.edx != 0x4d)
        return 0;                                  // not "KVMKVMKVM"
    if (!(cpu::cpuid(0x40000001).eax & (1u << 3))) // KVM_FEATURE_CLOCKSOURCE2
        return 0;
    auto physical = kernel_to_physical(const_cast<PvclockTimeInfo*>(&kvm_clock));
    cpu::write_msr(cpu::msr::kvm_system_time, physical | 1);
    uint32_t multiplier = kvm_clock.tsc_to_system_mul;
    int shift = kvm_clock.tsc_shift;
    cpu::write_msr(cpu::msr::kvm_system_time, 0);
    if (!multiplier)
        return 0;
    // ns = ((ticks << shift) * multiplier) >> 32, so kHz = 10^6 * 2^32 / multiplier >> shift.
    uint64_t khz = (1000000ull << 32) / multiplier;
    return shift >= 0 ? khz >> shift : khz << -shift;
}

uint64_t from_pit() {
    uint16_t start_count = 0xffff;
    uint16_t count = read_pit_counter();
    if (count == 0xffff && read_pit_counter() == 0xffff)
        return 0; // floating bus: no PIT
    uint64_t elapsed = 0, tsc = 0;
    for (long spins = 0; spins < 100000000; ++spins) {
        tsc = cpu::read_tsc();
        count = read_pit_counter();
        elapsed = static_cast<uint16_t>(start_count - count);
        if (elapsed >= pit_minimum_ticks)
            break;
    }
    if (elapsed < pit_minimum_ticks || elapsed > pit_maximum_ticks)
        return 0;
    return (tsc - pit_start_tsc) * pit_hz / elapsed / 1000;
}

} // namespace

void start_pit_reference() {
    port_io::outb(pit_command, 0x34); // channel 0, low then high byte, mode 2
    port_io::outb(pit_channel0, 0xff);
    port_io::outb(pit_channel0, 0xff);
    pit_start_tsc = cpu::read_tsc();
}

TscFrequency measure_tsc_frequency() {
    if (uint64_t khz = from_cpuid_crystal())
        return {khz, "cpuid 0x15"};
    if (uint64_t khz = from_hypervisor_leaf())
        return {khz, "hypervisor cpuid leaf"};
    if (uint64_t khz = from_kvm_clock())
        return {khz, "kvmclock"};
    if (uint64_t khz = from_pit())
        return {khz, "PIT"};
    return {1000000, "a guess (no clock source found)"};
}

} // namespace kernel::pvh
