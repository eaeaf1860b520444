// The C++ side of the syscall entry: look up the handler, decode its arguments, run it, trace
// it, and turn its ErrorOr into the ABI's value or -errno, in this one place.
#include "lib/log.h"
#include "linux/signals.h"
#include "linux/syscall_names.h"
#include "linux/syscall_rewriter.h"
#include "linux/syscall_table.h"
#include "linux/syscall_trace.h"
#include "sched/scheduler.h"

namespace kernel {

namespace {

long to_abi(const ErrorOr<long>& result) {
    return result.is_error() ? -static_cast<long>(result.error().code()) : result.value();
}

template <typename Handler> struct Invoker;

template <typename... Parameters> struct Invoker<ErrorOr<long> (*)(Parameters...)> {
    static_assert(sizeof...(Parameters) <= 6, "a syscall has at most six arguments");
    using Indices = MakeIndexSequence<sizeof...(Parameters)>;

    template <auto Handler, size_t... I>
    static long call(SyscallFrame& frame, IndexSequence<I...>) {
        [[maybe_unused]] ArgumentRegisters registers(frame);
        return to_abi(Handler(syscall_argument<Parameters>(registers.values[I])...));
    }
};

// A handler that also takes the program's registers (to return through them, or to start a
// thread from them): the arguments follow.
template <typename... Parameters> struct Invoker<ErrorOr<long> (*)(SyscallFrame&, Parameters...)> {
    static_assert(sizeof...(Parameters) <= 6, "a syscall has at most six arguments");
    using Indices = MakeIndexSequence<sizeof...(Parameters)>;

    template <auto Handler, size_t... I>
    static long call(SyscallFrame& frame, IndexSequence<I...>) {
        [[maybe_unused]] ArgumentRegisters registers(frame);
        return to_abi(Handler(frame, syscall_argument<Parameters>(registers.values[I])...));
    }
};

template <auto Handler> long call(SyscallFrame& frame) {
    using Calls = Invoker<decltype(Handler)>;
    return Calls::template call<Handler>(frame, typename Calls::Indices{});
}

struct SyscallEntry {
    const char* name = nullptr;
    long (*call)(SyscallFrame& frame) = nullptr;
};

struct SyscallTable {
    SyscallEntry entries[syscall_count];
};

constexpr SyscallTable make_table() {
    SyscallTable table{};
#define IMPLEMENTED_ENTRY(number, name, parameters)                                                \
    table.entries[number] = {#name, call<&sys_##name>};
#define KNOWN_ENTRY(number, name) table.entries[number] = {#name, nullptr};
    ENUMERATE_SYSCALLS(IMPLEMENTED_ENTRY, KNOWN_ENTRY)
#undef IMPLEMENTED_ENTRY
#undef KNOWN_ENTRY
    return table;
}

constinit const SyscallTable table = make_table();

uint64_t reported_unknown[syscall_count / 64];
bool tracing;

// Calls Linux never restarts after a handler, SA_RESTART or not: they report EINTR.
bool is_never_restarted(uint64_t number) {
    switch (number) {
    case nr::pause:
    case nr::rt_sigsuspend:
    case nr::nanosleep:
    case nr::clock_nanosleep:
    case nr::poll:
    case nr::ppoll:
    case nr::select:
    case nr::pselect6:
    case nr::epoll_wait:
    case nr::epoll_pwait:
    case nr::epoll_pwait2:
    case nr::rt_sigtimedwait:
        return true;
    default:
        return false;
    }
}

long unimplemented(uint64_t number) {
    uint64_t bit = 1ull << (number % 64);
    uint64_t& word = reported_unknown[(number / 64) % (syscall_count / 64)];
    if (!(word & bit)) {
        word |= bit;
        klog("syscall %lu (%s) is not implemented: returning ENOSYS", number, syscall_name(number));
    }
    return -ENOSYS;
}

long run(uint64_t number, SyscallFrame& frame) {
    if (number >= syscall_count)
        return unimplemented(number);
    if (table.entries[number].call)
        return table.entries[number].call(frame);
    return unimplemented(number);
}

// The arguments as the call found them (a handler may change the frame), traced after it;
// exit and exit_group, which never return, on the way in.
long run_traced(uint64_t number, SyscallFrame& frame) {
    const SyscallTracer& tracer = *syscall_tracer();
    SyscallFrame arguments = frame;
    if (number == nr::exit || number == nr::exit_group)
        tracer.trace(scheduler::current()->tid, number, arguments, nullptr);
    long result = run(number, frame);
    tracer.trace(scheduler::current()->tid, number, arguments, &result);
    return result;
}

} // namespace

const char* syscall_name(uint64_t number) {
    if (number >= syscall_count || !table.entries[number].name)
        return "unknown";
    return table.entries[number].name;
}

void initialize_syscalls(bool trace) {
    tracing = trace && syscall_tracer();
    if (trace && !tracing)
        klog("--trace-syscalls: this image was built without the 'debug' component: not "
             "tracing (build it with 'ingot build --with debug')");
}

} // namespace kernel

// Returns null to return to the program through the syscall return, or the registers to
// restore through the interrupt return (after rt_sigreturn). `trapped`: the program ran a
// `syscall` instruction, whose site may now become a call (linux/syscall_rewriter.h).
extern "C" kernel::InterruptFrame* syscall_dispatch(kernel::SyscallFrame* frame, bool trapped) {
    using namespace kernel;
    scheduler::enter_kernel();
    if (trapped)
        syscall_rewriter::rewrite(frame->rcx);
    uint64_t number = frame->rax;
    long result = tracing ? run_traced(number, *frame) : run(number, *frame);
    frame->rax = static_cast<uint64_t>(result);
    if (InterruptFrame* full = signals::take_full_return()) {
        signals::deliver_pending(*full);
        scheduler::leave_kernel();
        return full;
    }
    bool restartable = result == -EINTR && !is_never_restarted(number);
    signals::deliver_pending(*frame, restartable ? static_cast<long>(number) : -1);
    scheduler::leave_kernel();
    return nullptr;
}
