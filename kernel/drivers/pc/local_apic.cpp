#include "drivers/pc/local_apic.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/msr.h"
#include "lib/utility.h"

#include <ingot/abi/memory_layout.h>

namespace kernel::pc::local_apic {

namespace {

// Register offsets in xAPIC MMIO; x2APIC MSR = 0x800 + offset / 16.
constexpr uint32_t reg_eoi = 0xb0, reg_spurious = 0xf0, reg_lvt_timer = 0x320,
                   reg_initial_count = 0x380, reg_current_count = 0x390, reg_divide_config = 0x3e0;
constexpr uint32_t lvt_masked = 1u << 16;
constexpr uint32_t timer_one_shot = 0, timer_tsc_deadline = 2u << 17;
constexpr uint32_t divide_by_16 = 0x3;

bool x2apic;
bool tsc_deadline;
volatile uint32_t* mmio;
uint64_t apic_ticks_per_tsc_q32; // APIC timer ticks per TSC tick, as a 32.32 fixed-point value

uint32_t read(uint32_t offset) {
    if (x2apic)
        return static_cast<uint32_t>(cpu::read_msr(0x800 + offset / 16));
    return mmio[offset / 4];
}

void write(uint32_t offset, uint32_t value) {
    if (x2apic)
        cpu::write_msr(0x800 + offset / 16, value);
    else
        mmio[offset / 4] = value;
}

void calibrate(uint64_t tsc_khz) {
    write(reg_divide_config, divide_by_16);
    write(reg_lvt_timer, lvt_masked | timer_one_shot);
    uint64_t window = tsc_khz; // 1 ms of TSC ticks
    write(reg_initial_count, 0xffffffff);
    uint64_t start = cpu::read_tsc();
    while (cpu::read_tsc() - start < window) {
    }
    uint64_t counted = 0xffffffffu - read(reg_current_count);
    write(reg_initial_count, 0);
    apic_ticks_per_tsc_q32 = (counted << 32) / window;
    if (!apic_ticks_per_tsc_q32)
        apic_ticks_per_tsc_q32 = 1;
}

} // namespace

void initialize(uint64_t tsc_khz) {
    auto features = cpu::cpuid(1);
    x2apic = features.ecx & (1u << 21);
    tsc_deadline = features.ecx & (1u << 24);
    uint64_t base = cpu::read_msr(cpu::msr::apic_base);
    base |= 1u << 11; // global enable
    if (x2apic)
        base |= 1u << 10;
    cpu::write_msr(cpu::msr::apic_base, base);
    if (!x2apic)
        mmio = reinterpret_cast<volatile uint32_t*>(abi::direct_map_base + (base & 0xffffff000ull));
    write(reg_spurious, 0x100 | spurious_vector); // software enable
    if (tsc_deadline) {
        write(reg_lvt_timer, timer_tsc_deadline | timer_vector);
    } else {
        calibrate(tsc_khz);
        write(reg_lvt_timer, timer_one_shot | timer_vector);
    }
}

void arm_timer(uint64_t deadline_tsc) {
    if (tsc_deadline) {
        cpu::write_msr(cpu::msr::tsc_deadline, deadline_tsc);
        return;
    }
    uint64_t now = cpu::read_tsc();
    uint64_t delta = deadline_tsc > now ? deadline_tsc - now : 0;
    auto ticks = static_cast<uint64_t>(
        (static_cast<unsigned __int128>(delta) * apic_ticks_per_tsc_q32) >> 32);
    if (ticks == 0)
        ticks = 1;
    if (ticks > 0xffffffff)
        ticks = 0xffffffff; // wakes early; the scheduler re-arms
    write(reg_initial_count, static_cast<uint32_t>(ticks));
}

void end_of_interrupt() {
    write(reg_eoi, 0);
}

const char* mode() {
    if (tsc_deadline)
        return x2apic ? "x2APIC TSC-deadline" : "xAPIC TSC-deadline";
    return x2apic ? "x2APIC one-shot" : "xAPIC one-shot";
}

} // namespace kernel::pc::local_apic
