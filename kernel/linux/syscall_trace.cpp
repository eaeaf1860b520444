#include "linux/syscall_trace.h"

#include "lib/errno.h"
#include "lib/format.h"
#include "lib/log.h"
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

} // namespace

void trace_argument(FormatBuffer& line, size_t index, int value, uint64_t) {
    separate(line, index);
    line.append("%d", value);
}

void trace_argument(FormatBuffer& line, size_t index, long value, uint64_t) {
    separate(line, index);
    append_number(line, static_cast<uint64_t>(value));
}

void trace_argument(FormatBuffer& line, size_t index, unsigned value, uint64_t) {
    separate(line, index);
    append_number(line, value);
}

void trace_argument(FormatBuffer& line, size_t index, unsigned long value, uint64_t) {
    separate(line, index);
    append_number(line, value);
}

void trace_argument(FormatBuffer& line, size_t index, UserPointer value, uint64_t) {
    separate(line, index);
    append_number(line, value.address);
}

void trace_argument(FormatBuffer& line, size_t index, UserString value, uint64_t) {
    separate(line, index);
    append_string(line, value.address);
}

void trace_argument(FormatBuffer& line, size_t index, UserSocketAddress value, uint64_t next) {
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

} // namespace kernel
