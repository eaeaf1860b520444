// Signals in a single-process unikernel: dispositions and masks are kept as Linux keeps
// them; a signal the program sends itself takes its default action (terminate, with a crash
// report for the core-dumping ones, or nothing). Running a program's handlers is not done yet.
#include "lib/log.h"
#include "lib/string.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"
#include "platform/platform.h"
#include "sched/scheduler.h"

namespace kernel {

namespace {

constexpr int signal_count = 64;
constexpr uint64_t sig_dfl = 0;
constexpr uint64_t sig_ign = 1;
constexpr int sigkill = 9, sigstop = 19;

struct LinuxSigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

LinuxSigaction actions[signal_count + 1];
uint64_t blocked_mask;
struct {
    uint64_t stack, flags, size;
} alternate_stack{0, 2 /* SS_DISABLE */, 0};

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

[[noreturn]] void terminate_by(int signal, const SyscallFrame& frame) {
    if (!dumps_core(signal)) {
        klog("killed by signal %d", signal);
        platform::exit(128 + signal);
    }
    abi::CrashArgs crash{};
    crash.signal = static_cast<uint32_t>(signal);
    crash.rip = frame.rcx;
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

long send_signal(int signal, SyscallFrame& frame) {
    if (signal < 0 || signal > signal_count)
        return -EINVAL;
    if (signal == 0)
        return 0;
    uint64_t handler = actions[signal].handler;
    if (signal != sigkill && signal != sigstop) {
        if (handler == sig_ign || (handler == sig_dfl && ignored_by_default(signal)))
            return 0;
        if (handler != sig_dfl) {
            static bool reported;
            if (!reported) {
                reported = true;
                klog("signal %d has a handler, but running signal handlers is not supported "
                     "yet: taking the default action",
                     signal);
            }
            if (ignored_by_default(signal))
                return 0;
        }
    }
    terminate_by(signal, frame);
}

long sys_rt_sigaction(SyscallFrame& f) {
    int signal = static_cast<int>(f.rdi);
    if (signal < 1 || signal > signal_count || f.r10 != 8)
        return -EINVAL;
    if (f.rdx)
        TRY_SYSCALL(write_user(f.rdx, actions[signal]));
    if (f.rsi) {
        if (signal == sigkill || signal == sigstop)
            return -EINVAL;
        actions[signal] = TRY_SYSCALL(read_user<LinuxSigaction>(f.rsi));
    }
    return 0;
}

long sys_rt_sigprocmask(SyscallFrame& f) {
    if (f.r10 != 8)
        return -EINVAL;
    uint64_t previous = blocked_mask;
    if (f.rsi) {
        uint64_t set = TRY_SYSCALL(read_user<uint64_t>(f.rsi));
        set &= ~((1ull << (sigkill - 1)) | (1ull << (sigstop - 1)));
        switch (f.rdi) {
        case 0:
            blocked_mask |= set;
            break; // SIG_BLOCK
        case 1:
            blocked_mask &= ~set;
            break; // SIG_UNBLOCK
        case 2:
            blocked_mask = set;
            break; // SIG_SETMASK
        default:
            return -EINVAL;
        }
    }
    if (f.rdx)
        TRY_SYSCALL(write_user(f.rdx, previous));
    return 0;
}

long sys_sigaltstack(SyscallFrame& f) {
    if (f.rsi)
        TRY_SYSCALL(write_user(f.rsi, alternate_stack));
    if (f.rdi)
        alternate_stack = TRY_SYSCALL(read_user<decltype(alternate_stack)>(f.rdi));
    return 0;
}

long sys_kill(SyscallFrame& f) {
    auto pid = static_cast<int64_t>(static_cast<int32_t>(f.rdi));
    if (pid != 1 && pid != 0 && pid != -1)
        return -ESRCH;
    return send_signal(static_cast<int>(f.rsi), f);
}

long sys_tgkill(SyscallFrame& f) {
    if (static_cast<int32_t>(f.rdi) != 1)
        return -ESRCH;
    if (!scheduler::find(static_cast<uint32_t>(f.rsi)))
        return -ESRCH;
    return send_signal(static_cast<int>(f.rdx), f);
}

long sys_tkill(SyscallFrame& f) {
    if (!scheduler::find(static_cast<uint32_t>(f.rdi)))
        return -ESRCH;
    return send_signal(static_cast<int>(f.rsi), f);
}

long sys_rt_sigpending(SyscallFrame& f) {
    return to_syscall_result(write_user(f.rdi, static_cast<uint64_t>(0)));
}

} // namespace

void register_signal_syscalls() {
    register_syscall(nr::rt_sigaction, sys_rt_sigaction);
    register_syscall(nr::rt_sigprocmask, sys_rt_sigprocmask);
    register_syscall(nr::sigaltstack, sys_sigaltstack);
    register_syscall(nr::kill, sys_kill);
    register_syscall(nr::tgkill, sys_tgkill);
    register_syscall(nr::tkill, sys_tkill);
    register_syscall(nr::rt_sigpending, sys_rt_sigpending);
}

} // namespace kernel
