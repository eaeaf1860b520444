// --trace-syscalls: a strace-like line for each call, put together from its handler's
// parameter types (syscall_arguments.h). The debug component (abi::component_debug).
#include "linux/syscall_trace.h"

#include "components/component.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/log.h"
#include "lib/utility.h"
#include "linux/syscall_names.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"
#include "net/socket_address.h"

namespace kernel {

namespace {

void append_number(FormatBuffer& line, uint64_t value) {
    auto as_signed = static_cast<int64_t>(value);
    if (as_signed > -4096 && as_signed < 65536)
        line.append("%ld", as_signed);
    else
        line.append("0x%lx", value);
}

void append_string(FormatBuffer& line, uint64_t address) {
    char text[96];
    auto copied = copy_string_from_user(text, sizeof text, address);
    if (!copied.is_error()) {
        line.append("\"%s\"", text);
        return;
    }
    if (copied.error().code() == ENAMETOOLONG) {
        text[sizeof text - 1] = 0;
        line.append("\"%s\"...", text);
        return;
    }
    append_number(line, address);
}

// An IPv4 socket address as strace shows it; false for anything else.
bool append_socket_address(FormatBuffer& line, uint64_t address, uint64_t length) {
    if (!address || length < sizeof(net::LinuxSockaddrIn))
        return false;
    net::LinuxSockaddrIn raw;
    if (copy_from_user(&raw, address, sizeof raw).is_error())
        return false;
    auto endpoint = net::parse_inet_address(&raw, sizeof raw);
    if (endpoint.is_error())
        return false;
    uint32_t ip = endpoint.value().address.value;
    line.append("{AF_INET, %u.%u.%u.%u:%u}", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff,
                ip & 0xff, endpoint.value().port);
    return true;
}

void separate(FormatBuffer& line, size_t index) {
    if (index)
        line.append(", ");
}

// Each argument type's trace, out of line: every handler's instantiation below calls them.
[[gnu::noinline]] void trace_argument(FormatBuffer& line, size_t index, int value, uint64_t) {
    separate(line, index);
    line.append("%d", value);
}

[[gnu::noinline]] void trace_argument(FormatBuffer& line, size_t index, long value, uint64_t) {
    separate(line, index);
    append_number(line, static_cast<uint64_t>(value));
}

[[gnu::noinline]] void trace_argument(FormatBuffer& line, size_t index, unsigned value, uint64_t) {
    separate(line, index);
    append_number(line, value);
}

[[gnu::noinline]] void trace_argument(FormatBuffer& line, size_t index, unsigned long value,
                                      uint64_t) {
    separate(line, index);
    append_number(line, value);
}

[[gnu::noinline]] void trace_argument(FormatBuffer& line, size_t index, UserPointer value,
                                      uint64_t) {
    separate(line, index);
    append_number(line, value.address);
}

[[gnu::noinline]] void trace_argument(FormatBuffer& line, size_t index, UserString value,
                                      uint64_t) {
    separate(line, index);
    append_string(line, value.address);
}

[[gnu::noinline]] void trace_argument(FormatBuffer& line, size_t index, UserSocketAddress value,
                                      uint64_t next) {
    separate(line, index);
    if (!append_socket_address(line, value.address, next))
        append_number(line, value.address);
}

void trace_raw_arguments(FormatBuffer& line, const SyscallFrame& frame) {
    const uint64_t arguments[6] = {frame.rdi, frame.rsi, frame.rdx, frame.r10, frame.r8, frame.r9};
    for (size_t i = 0; i < 6; ++i) {
        separate(line, i);
        append_number(line, arguments[i]);
    }
}

void trace_result(FormatBuffer& line, const long* result) {
    if (!result)
        line.append(") = ?");
    else if (*result < 0 && *result > -4096)
        line.append(") = -1 %s", errno_name(static_cast<int>(-*result)));
    else if (*result >= 0 && *result < 65536)
        line.append(") = %ld", *result);
    else
        line.append(") = 0x%lx", static_cast<uint64_t>(*result));
}

// A handler's arguments, decoded from their registers as the handler takes them.
template <typename Handler> struct Arguments;

template <typename... Parameters> struct Arguments<ErrorOr<long> (*)(Parameters...)> {
    using Indices = MakeIndexSequence<sizeof...(Parameters)>;
    template <size_t... I>
    static void trace(FormatBuffer& line, const SyscallFrame& frame, IndexSequence<I...>) {
        [[maybe_unused]] ArgumentRegisters registers(frame);
        (trace_argument(line, I, syscall_argument<Parameters>(registers.values[I]),
                        registers.values[I + 1]),
         ...);
    }
};

// A handler that also takes the program's registers: the arguments follow them.
template <typename... Parameters>
struct Arguments<ErrorOr<long> (*)(SyscallFrame&, Parameters...)>
    : Arguments<ErrorOr<long> (*)(Parameters...)> {};

template <auto Handler> void trace_arguments(FormatBuffer& line, const SyscallFrame& frame) {
    using Decoded = Arguments<decltype(Handler)>;
    Decoded::trace(line, frame, typename Decoded::Indices{});
}

using TraceArguments = void (*)(FormatBuffer& line, const SyscallFrame& frame);

struct TraceTable {
    TraceArguments entries[syscall_count];
};

constexpr TraceTable make_table() {
    TraceTable table{};
#define IMPLEMENTED_ENTRY(number, name, parameters)                                                \
    table.entries[number] = trace_arguments<&sys_##name>;
#define KNOWN_ENTRY(number, name)
    ENUMERATE_SYSCALLS(IMPLEMENTED_ENTRY, KNOWN_ENTRY)
#undef IMPLEMENTED_ENTRY
#undef KNOWN_ENTRY
    return table;
}

constinit const TraceTable table = make_table();

void trace(uint32_t tid, uint64_t number, const SyscallFrame& arguments, const long* result) {
    char text[400];
    FormatBuffer line(text, sizeof text);
    line.append("[%u] %s(", tid, syscall_name(number));
    if (number < syscall_count && table.entries[number])
        table.entries[number](line, arguments);
    else
        trace_raw_arguments(line, arguments);
    trace_result(line, result);
    klog("%s", line.text());
}

constexpr SyscallTracer tracer{trace};

} // namespace

const SyscallTracer* syscall_tracer() {
    return &tracer;
}

INGOT_COMPONENT(abi::component_debug);

} // namespace kernel
