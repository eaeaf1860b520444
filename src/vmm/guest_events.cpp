#include "vmm/guest_events.h"

#include "support/error.h"
#include "vmm/fault.h"

#include <ingot/abi/boot_info.h>
#include <ingot/abi/memory_layout.h>

#include <unistd.h>

#include <cstddef>
#include <cstring>

namespace ingot {

namespace {

// A real-time signal: none of the host signals the monitor forwards to the guest, and not
// the stop timer's (SIGRTMIN, host_signals.cpp), which must also interrupt the Poll
// hypercall's wait where the tick must not.
int tick_signal() {
    return SIGRTMIN + 1;
}

void ignore_tick(int) {}

// The vectors for which a CPU pushes an error code (Intel SDM vol. 3A, table 6-1).
bool has_error_code(uint32_t vector) {
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 ||
           vector == 29 || vector == 30;
}

// An interrupt gate clears these on delivery (SDM vol. 3A, 6.12.1.3); IF stays as it is, as
// the guest runs in ring 3 on PVM where it cannot change IF anyway.
constexpr uint64_t flags_cleared_on_event = (1u << 8) | (1u << 10) | (1u << 16) | (1u << 18);

} // namespace

GuestEvents::GuestEvents(GuestMemory& memory, uint64_t guest_info)
    : m_memory(memory), m_guest_info(guest_info) {
    struct sigaction action {};
    action.sa_handler = ignore_tick;
    sigemptyset(&action.sa_mask);
    sigaction(tick_signal(), &action, nullptr);
    sigset_t tick;
    sigemptyset(&tick);
    sigaddset(&tick, tick_signal());
    sigprocmask(SIG_BLOCK, &tick, nullptr);
}

GuestEvents::~GuestEvents() {
    if (m_timer_created)
        timer_delete(m_timer);
}

sigset_t GuestEvents::run_mask(const sigset_t& base) const {
    sigset_t mask = base;
    sigdelset(&mask, tick_signal());
    return mask;
}

void GuestEvents::start_ticks() {
    sigevent event{};
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = tick_signal();
    event._sigev_un._tid = static_cast<pid_t>(gettid());
    if (timer_create(CLOCK_MONOTONIC, &event, &m_timer) != 0)
        fail("cannot create the vCPU's tick timer: {}", std::strerror(errno));
    m_timer_created = true;
    itimerspec period{};
    period.it_interval.tv_nsec = static_cast<long>(abi::event_tick_ns);
    period.it_value = period.it_interval;
    if (timer_settime(m_timer, 0, &period, nullptr) != 0)
        fail("cannot start the vCPU's tick timer: {}", std::strerror(errno));
}

void GuestEvents::interrupted(Vcpu& vcpu) {
    sigset_t tick;
    sigemptyset(&tick);
    sigaddset(&tick, tick_signal());
    timespec now{0, 0};
    sigtimedwait(&tick, nullptr, &now);
    kvm_regs registers = vcpu.registers();
    // In the kernel, nothing to do: it looks for due work before it returns to the program.
    if (registers.rip >= abi::user_space_end)
        return;
    // KVM_RUN may stop with the program's exception still to be delivered: the vCPU must
    // deliver it first, at the program's instruction, and exits for it.
    kvm_vcpu_events events = vcpu.events();
    if (events.exception.injected || events.exception.pending)
        return;
    deliver(vcpu, registers, vcpu.special_registers(), abi::event_vector_tick, std::nullopt);
}

// PVM under load: KVM_RUN can stop for the tick just as the program faults, with the
// exception invisible to KVM_GET_VCPU_EVENTS, and deliver it on the next entry, where the tick's
// stub is about to run. Such a fault, at the stub's first instruction with the stack pointer
// where the monitor left it, is the program's: its registers are the frame the tick pushed.
bool GuestEvents::recover_program_registers(kvm_regs& registers) const {
    auto info = m_memory.read<abi::GuestInfo>(m_guest_info);
    constexpr uint64_t frame_size = 5 * sizeof(uint64_t);
    if (!info || info->magic != abi::guest_info_magic || !info->event_entry ||
        registers.rip != info->event_entry + abi::event_vector_tick * abi::event_stub_size ||
        registers.rsp != info->event_stack - frame_size || info->event_stack_physical < frame_size)
        return false;
    auto frame = m_memory.span(info->event_stack_physical - frame_size, frame_size);
    if (!frame)
        return false;
    uint64_t pushed[5]; // rip, cs, rflags, rsp, ss
    std::memcpy(pushed, frame->data(), frame_size);
    registers.rip = pushed[0];
    registers.rflags = pushed[2];
    registers.rsp = pushed[3];
    return true;
}

bool GuestEvents::deliver_fault(Vcpu& vcpu, const kvm_regs& stopped, const kvm_sregs& sregs,
                                const FaultFacts& facts, const FaultVerdict& verdict) {
    kvm_regs registers = stopped;
    recover_program_registers(registers);
    if (registers.rip >= abi::user_space_end || facts.emulation_failure)
        return false;
    // KVM records vector 0 both for a divide error and for no exception at all (PVM ends
    // KVM_RUN with SHUTDOWN and the vector neither injected nor pending): the classification,
    // which reads the instruction, tells them apart.
    std::optional<uint32_t> vector;
    if (facts.vector && *facts.vector != 0)
        vector = *facts.vector;
    else if (verdict.signal == SIGFPE)
        vector = 0;
    else if (verdict.signal == SIGILL)
        vector = 6;
    if (!vector || *vector >= 32 || *vector == 8)
        return false;
    std::optional<uint64_t> error_code;
    if (has_error_code(*vector))
        error_code = facts.error_code;
    if (*vector == 14 && !m_memory.write(m_guest_info + offsetof(abi::GuestInfo, fault_address),
                                         static_cast<uint64_t>(sregs.cr2)))
        return false;
    // The kernel takes the exception now: KVM must not deliver it as well.
    kvm_vcpu_events events = vcpu.events();
    events.exception.injected = 0;
    events.exception.pending = 0;
    events.exception.nr = 0;
    events.exception.has_error_code = 0;
    events.exception.error_code = 0;
    events.exception_has_payload = 0;
    events.exception_payload = 0;
    vcpu.set_events(events);
    return deliver(vcpu, registers, sregs, *vector, error_code);
}

bool GuestEvents::deliver(Vcpu& vcpu, kvm_regs registers, const kvm_sregs& sregs, uint32_t vector,
                          std::optional<uint64_t> error_code) {
    auto info = m_memory.read<abi::GuestInfo>(m_guest_info);
    if (!info || info->magic != abi::guest_info_magic || !info->event_entry || !info->event_stack ||
        info->event_stack % 16 != 0 || info->event_stack_physical % 16 != 0)
        return false;
    // What the CPU pushes, lowest address first.
    uint64_t frame[6];
    size_t count = 0;
    if (error_code)
        frame[count++] = *error_code;
    frame[count++] = registers.rip;
    frame[count++] = sregs.cs.selector;
    frame[count++] = registers.rflags;
    frame[count++] = registers.rsp;
    frame[count++] = sregs.ss.selector;
    uint64_t size = count * sizeof(uint64_t);
    if (info->event_stack_physical < size)
        return false;
    auto stack = m_memory.span(info->event_stack_physical - size, size);
    if (!stack)
        return false;
    std::memcpy(stack->data(), frame, size);
    registers.rsp = info->event_stack - size;
    registers.rip = info->event_entry + vector * abi::event_stub_size;
    registers.rflags &= ~flags_cleared_on_event;
    vcpu.set_registers(registers);
    ++m_delivered;
    return true;
}

} // namespace ingot
