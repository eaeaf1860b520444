#include "linux/signals.h"

#include "arch/x86_64/cpu_setup.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "linux/interval_timers.h"
#include "mm/user_memory.h"
#include "platform/platform.h"
#include "sched/scheduler.h"

#include <ingot/abi/exit_status.h>
#include <ingot/signal_names.h>

namespace kernel::signals {

namespace {

constexpr uint64_t sa_siginfo = 0x4;
constexpr uint64_t sa_onstack = 0x08000000;
constexpr uint64_t sa_restorer = 0x04000000;
constexpr uint64_t sa_restart = 0x10000000;
constexpr uint64_t sa_nodefer = 0x40000000;
constexpr uint64_t sa_resethand = 0x80000000;
constexpr int si_user = 0, si_kernel = 0x80;
constexpr uint64_t red_zone = 128;
constexpr uint64_t unblockable = bit(sigkill) | bit(sigstop);
// The flags a program may set on return from a handler: CF PF AF ZF SF TF DF OF AC.
constexpr uint64_t user_flags = 0x40dd5;

Action actions[count + 1];
uint64_t process_pending;
volatile uint64_t* host_pending;
// Set by sigsuspend: the mask the handler frame must save instead of the temporary one.
bool has_saved_mask;
uint64_t saved_mask;

// The x86-64 Linux layouts glibc and musl expect.
struct SignalContext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;
    uint64_t reserved[8];
};
static_assert(sizeof(SignalContext) == 256);

struct UserContext {
    uint64_t flags;
    uint64_t link;
    uint64_t stack_pointer;
    int32_t stack_flags;
    int32_t padding;
    uint64_t stack_size;
    SignalContext context;
    uint64_t signal_mask;
};

struct SignalInfo {
    int32_t signal, error, code, padding;
    int32_t sender_pid, sender_uid;
    uint8_t rest[104];
};
static_assert(sizeof(SignalInfo) == 128);

struct SignalFrame {
    uint64_t return_address; // sa_restorer: __restore_rt, which calls rt_sigreturn
    UserContext context;
    SignalInfo info;
};

bool dumps_core(int signal) {
    switch (signal) {
    case 3:
    case 4:
    case 5:
    case 6:
    case 7:
    case 8:
    case 11:
    case 24:
    case 25:
    case 31:
        return true;
    default:
        return false;
    }
}

bool ignored_by_default(int signal) {
    return signal == 17 || signal == 18 || signal == 23 || signal == 28; // CHLD CONT URG WINCH
}

// The program's code and stack selectors: the kernel runs with the same ones (ring 0 on pvh and
// hardware KVM, ring 3 on PVM), so an iretq to the program reloads what it had.
uint16_t code_selector() {
    uint16_t selector;
    asm volatile("mov %%cs, %0" : "=r"(selector));
    return selector;
}

uint16_t stack_selector() {
    uint16_t selector;
    asm volatile("mov %%ss, %0" : "=r"(selector));
    return selector;
}

// A syscall's registers as a full set: the syscall instruction left RIP in RCX and RFLAGS in R11.
InterruptFrame full_registers(const SyscallFrame& frame) {
    InterruptFrame full{};
    full.r15 = frame.r15;
    full.r14 = frame.r14;
    full.r13 = frame.r13;
    full.r12 = frame.r12;
    full.r11 = frame.r11;
    full.r10 = frame.r10;
    full.r9 = frame.r9;
    full.r8 = frame.r8;
    full.rbp = frame.rbp;
    full.rdi = frame.rdi;
    full.rsi = frame.rsi;
    full.rdx = frame.rdx;
    full.rcx = frame.rcx;
    full.rbx = frame.rbx;
    full.rax = frame.rax;
    full.rip = frame.rcx;
    full.rflags = frame.r11;
    full.rsp = frame.rsp;
    full.cs = code_selector();
    full.ss = stack_selector();
    return full;
}

// Back to a syscall frame, whose return loads RIP from RCX and RFLAGS from R11.
void store_syscall_registers(const InterruptFrame& full, SyscallFrame& frame) {
    frame.r15 = full.r15;
    frame.r14 = full.r14;
    frame.r13 = full.r13;
    frame.r12 = full.r12;
    frame.r10 = full.r10;
    frame.r9 = full.r9;
    frame.r8 = full.r8;
    frame.rbp = full.rbp;
    frame.rdi = full.rdi;
    frame.rsi = full.rsi;
    frame.rdx = full.rdx;
    frame.rbx = full.rbx;
    frame.rax = full.rax;
    frame.rcx = full.rip;
    frame.r11 = full.rflags;
    frame.rsp = full.rsp;
}

// rt_sigreturn's registers, for the interrupt return path that restores every one of them.
InterruptFrame full_return_frame;
bool full_return_pending;

[[noreturn]] void terminate_by(int signal, const InterruptFrame& frame) {
    if (!dumps_core(signal)) {
        // As a shell: silent when Ctrl-C or a closed pipe ends the program (the user caused
        // it and expects nothing), the signal's name otherwise (bash says "Terminated").
        if (signal != sigint && signal != sigpipe)
            klog("the program was killed by %s", ingot::signal_name(signal).text);
        platform::exit(ingot::abi::exit_killed_by(signal));
    }
    abi::CrashArgs crash{};
    crash.signal = static_cast<uint32_t>(signal);
    crash.rip = frame.rip;
    crash.rsp = frame.rsp;
    crash.rbp = frame.rbp;
    crash.rax = frame.rax;
    crash.rbx = frame.rbx;
    crash.rcx = frame.rcx;
    crash.rdx = frame.rdx;
    crash.rsi = frame.rsi;
    crash.rdi = frame.rdi;
    crash.r8 = frame.r8;
    crash.r9 = frame.r9;
    crash.r10 = frame.r10;
    crash.r11 = frame.r11;
    crash.r12 = frame.r12;
    crash.r13 = frame.r13;
    crash.r14 = frame.r14;
    crash.r15 = frame.r15;
    platform::crash(crash);
}

bool is_ignored(int signal) {
    uint64_t handler = actions[signal].handler;
    return handler == ignore_handler || (handler == default_handler && ignored_by_default(signal));
}

// Signals the monitor posted since the last look become process-wide pending signals.
void collect_host_signals() {
    if (!host_pending || !*host_pending)
        return;
    uint64_t arrived = *host_pending;
    *host_pending = 0;
    for (int signal = 1; signal <= count; ++signal) {
        if (arrived & bit(signal))
            raise(signal, nullptr);
    }
}

// Signals that arise outside any call: from the host, and from the interval timers.
void collect() {
    collect_host_signals();
    interval_timers::expire();
}

size_t threads_waiting_for_signals;

// A handled host signal could wake a waiting thread; so can any host signal end a thread that
// waits for signals (pause, sigsuspend), by its handler or its default action.
bool host_signals_can_wake() {
    // SIGPIPE comes from the qemu platform's host when the program's output was closed.
    const int forwarded[] = {sighup, sigint, sigterm, sigpipe};
    for (int signal : forwarded) {
        if (actions[signal].handler != default_handler && actions[signal].handler != ignore_handler)
            return true;
        if (threads_waiting_for_signals && actions[signal].handler != ignore_handler)
            return true;
    }
    return false;
}

uint64_t deliverable_for(const Thread& thread) {
    return (thread.pending_signals | process_pending) & (~thread.signal_mask | unblockable);
}

bool has_deliverable(const Thread& thread) {
    return deliverable_for(thread) != 0;
}

int take_deliverable(Thread& thread) {
    uint64_t deliverable = deliverable_for(thread);
    if (!deliverable)
        return 0;
    int signal = __builtin_ctzll(deliverable) + 1;
    if (thread.pending_signals & bit(signal))
        thread.pending_signals &= ~bit(signal);
    else
        process_pending &= ~bit(signal);
    return signal;
}

[[noreturn]] void force_segfault(const InterruptFrame& frame) {
    klog("cannot set up a signal frame on the program's stack: killing it with SIGSEGV");
    terminate_by(sigsegv, frame);
}

// What a handler learns of its signal beyond the number (siginfo_t's si_code, si_addr; the
// sigcontext's trapno, err, cr2 for a CPU exception).
struct Details {
    int code = si_user;
    uint64_t address = 0;
    uint64_t trap = 0;
    uint64_t error = 0;
};

void run_handler(int signal, Thread& thread, InterruptFrame& frame, long interrupted_call,
                 const Details& details) {
    Action& handler = actions[signal];
    if (interrupted_call >= 0 && (handler.flags & sa_restart)) {
        // Back to the syscall instruction (2 bytes) with its number: the call runs again.
        frame.rip -= 2;
        frame.rax = static_cast<uint64_t>(interrupted_call);
    }
    uint64_t mask_to_restore = has_saved_mask ? saved_mask : thread.signal_mask;
    has_saved_mask = false;
    if (!(handler.flags & sa_restorer) || !handler.restorer) {
        klog("%s: the handler has no SA_RESTORER trampoline; taking the default action",
             ingot::signal_name(signal).text);
        terminate_by(signal, frame);
    }
    uint64_t stack = frame.rsp - red_zone;
    if ((handler.flags & sa_onstack) && thread.alternate_stack_enabled &&
        !(frame.rsp >= thread.alternate_stack &&
          frame.rsp < thread.alternate_stack + thread.alternate_stack_size))
        stack = thread.alternate_stack + thread.alternate_stack_size;
    uint64_t fpstate = align_down(stack - sizeof(cpu::FpuState), 64);
    uint64_t frame_address = align_down(fpstate - sizeof(SignalFrame), 16) - 8;
    if (user_address_space()
            .populate(frame_address, stack - frame_address, Access::Write)
            .is_error())
        force_segfault(frame);

    auto* fp = reinterpret_cast<cpu::FpuState*>(fpstate);
    cpu::save_fpu(*fp);

    SignalFrame signal_frame{};
    signal_frame.return_address = handler.restorer;
    UserContext& context = signal_frame.context;
    context.stack_pointer = thread.alternate_stack;
    context.stack_flags = thread.alternate_stack_enabled ? 0 : 2; // SS_DISABLE
    context.stack_size = thread.alternate_stack_size;
    SignalContext& saved = context.context;
    saved.r8 = frame.r8;
    saved.r9 = frame.r9;
    saved.r10 = frame.r10;
    saved.r11 = frame.r11;
    saved.r12 = frame.r12;
    saved.r13 = frame.r13;
    saved.r14 = frame.r14;
    saved.r15 = frame.r15;
    saved.rdi = frame.rdi;
    saved.rsi = frame.rsi;
    saved.rbp = frame.rbp;
    saved.rbx = frame.rbx;
    saved.rdx = frame.rdx;
    saved.rax = frame.rax;
    saved.rcx = frame.rcx;
    saved.rsp = frame.rsp;
    saved.rip = frame.rip;
    saved.eflags = frame.rflags;
    saved.cs = 0x33;
    saved.ss = 0x2b;
    saved.trapno = details.trap;
    saved.err = details.error;
    saved.cr2 = details.address;
    saved.oldmask = mask_to_restore;
    saved.fpstate = fpstate;
    context.signal_mask = mask_to_restore;
    signal_frame.info.signal = signal;
    signal_frame.info.code = details.code;
    if (details.code == si_user) {
        signal_frame.info.sender_pid = 1;
    } else {
        // si_addr: the union after the three ints and their padding.
        memcpy(&signal_frame.info.sender_pid, &details.address, sizeof details.address);
    }
    memcpy(reinterpret_cast<void*>(frame_address), &signal_frame, sizeof signal_frame);

    thread.signal_mask |= handler.mask;
    if (!(handler.flags & sa_nodefer))
        thread.signal_mask |= bit(signal);
    thread.signal_mask &= ~unblockable;
    if (handler.flags & sa_resethand)
        handler.handler = default_handler;

    frame.rip = handler.handler;
    frame.rsp = frame_address;
    frame.rdi = static_cast<uint64_t>(signal);
    frame.rsi = frame_address + __builtin_offsetof(SignalFrame, info);
    frame.rdx = frame_address + __builtin_offsetof(SignalFrame, context);
    frame.rax = 0;
    frame.rflags &= ~0x400ull; // DF clear, as the ABI promises a function
    cpu::reset_fpu();
}

// No signal to act on: a mask sigsuspend or ppoll set for the wait is the thread's again.
void restore_saved_mask(Thread& thread) {
    if (has_saved_mask) {
        thread.signal_mask = saved_mask;
        has_saved_mask = false;
    }
}

} // namespace

size_t frame_size() {
    // As deliver() lays a frame out: the FPU state aligned to 64 bytes, then the frame aligned
    // to 16 less the return address's 8.
    return sizeof(cpu::FpuState) + 63 + sizeof(SignalFrame) + 15 + 8;
}

void initialize(volatile uint64_t* host_signals) {
    host_pending = host_signals;
    scheduler::set_signal_hooks(
        {collect, host_signals_can_wake, has_deliverable, interval_timers::next_deadline_ns});
}

Action& action(int signal) {
    return actions[signal];
}

uint64_t blocked_pending(const Thread& thread) {
    return (thread.pending_signals | process_pending) & thread.signal_mask;
}

void raise(int signal, Thread* target) {
    if (signal < 1 || signal > count || (signal != sigkill && is_ignored(signal)))
        return;
    if (target) {
        target->pending_signals |= bit(signal);
        if (!(target->signal_mask & bit(signal)) || (bit(signal) & unblockable))
            scheduler::interrupt(*target);
        return;
    }
    process_pending |= bit(signal);
    Thread* taker = nullptr;
    scheduler::for_each_thread([&](Thread& thread) {
        if (!taker && !(thread.signal_mask & bit(signal)))
            taker = &thread;
    });
    if (taker)
        scheduler::interrupt(*taker);
}

ErrorOr<long> wait_for_signal() {
    ++threads_waiting_for_signals;
    while (scheduler::block(nullptr, scheduler::no_deadline) != WakeReason::Interrupted) {
    }
    --threads_waiting_for_signals;
    return EINTR;
}

void restore_mask_after_delivery(uint64_t mask) {
    Thread& thread = *scheduler::current();
    if (thread.pending_signals || process_pending) {
        has_saved_mask = true;
        saved_mask = mask;
    } else {
        thread.signal_mask = mask;
    }
}

void deliver_pending(InterruptFrame& frame, long interrupted_call) {
    collect();
    Thread& thread = *scheduler::current();
    int signal = take_deliverable(thread);
    if (!signal) {
        restore_saved_mask(thread);
        return;
    }
    uint64_t handler = actions[signal].handler;
    if (signal == sigkill || signal == sigstop || handler == default_handler) {
        if (ignored_by_default(signal))
            return;
        terminate_by(signal, frame);
    }
    if (handler == ignore_handler)
        return;
    run_handler(signal, thread, frame, interrupted_call, Details{});
}

void deliver_pending(SyscallFrame& frame, long interrupted_call) {
    // At the end of every syscall, most often with nothing to deliver: then no register moves.
    collect();
    Thread& thread = *scheduler::current();
    if (!deliverable_for(thread)) {
        restore_saved_mask(thread);
        return;
    }
    InterruptFrame full = full_registers(frame);
    deliver_pending(full, interrupted_call);
    store_syscall_registers(full, frame);
}

bool deliver_fault(InterruptFrame& frame, const Fault& fault) {
    Thread& thread = *scheduler::current();
    uint64_t handler = actions[fault.signal].handler;
    // Linux forces the signal: blocked or ignored, it kills as its default action would.
    if (handler == default_handler || handler == ignore_handler ||
        (thread.signal_mask & bit(fault.signal)))
        return false;
    run_handler(fault.signal, thread, frame, -1,
                Details{fault.code, fault.address, fault.vector, fault.error_code});
    return true;
}

long return_from_handler(SyscallFrame& syscall_frame) {
    Thread& thread = *scheduler::current();
    InterruptFrame frame = full_registers(syscall_frame);
    uint64_t context_address =
        frame.rsp; // __restore_rt runs with the frame's return address popped
    auto context = read_user<UserContext>(context_address);
    if (context.is_error())
        force_segfault(frame);
    const SignalContext& saved = context.value().context;
    if (saved.fpstate) {
        cpu::FpuState state;
        if (copy_from_user(&state, saved.fpstate, sizeof state).is_error())
            force_segfault(frame);
        // A reserved MXCSR bit would make FXRSTOR fault.
        uint32_t mxcsr;
        memcpy(&mxcsr, state.bytes + 24, sizeof mxcsr);
        mxcsr &= 0xffff;
        memcpy(state.bytes + 24, &mxcsr, sizeof mxcsr);
        cpu::restore_fpu(state);
    }
    frame.r8 = saved.r8;
    frame.r9 = saved.r9;
    frame.r10 = saved.r10;
    frame.r11 = saved.r11;
    frame.r12 = saved.r12;
    frame.r13 = saved.r13;
    frame.r14 = saved.r14;
    frame.r15 = saved.r15;
    frame.rdi = saved.rdi;
    frame.rsi = saved.rsi;
    frame.rbp = saved.rbp;
    frame.rbx = saved.rbx;
    frame.rdx = saved.rdx;
    frame.rcx = saved.rcx;
    frame.rax = saved.rax;
    frame.rip = saved.rip;
    frame.rflags = (saved.eflags & user_flags) | 0x202;
    frame.rsp = saved.rsp;
    thread.signal_mask = context.value().signal_mask & ~unblockable;
    // The handler may have interrupted the program anywhere (a fault, an event): every
    // register comes back, RCX and R11 too, which the syscall return would overwrite.
    full_return_frame = frame;
    full_return_pending = true;
    return static_cast<long>(saved.rax);
}

void terminate(int signal, const InterruptFrame& frame) {
    terminate_by(signal, frame);
}

InterruptFrame* take_full_return() {
    if (!full_return_pending)
        return nullptr;
    full_return_pending = false;
    return &full_return_frame;
}

} // namespace kernel::signals
