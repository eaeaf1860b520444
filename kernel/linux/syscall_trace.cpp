#include "linux/syscall_trace.h"

#include "lib/errno.h"
#include "lib/format.h"
#include "lib/log.h"
#include "linux/syscall_numbers.h"
#include "mm/user_memory.h"
#include "net/socket_address.h"

namespace kernel {

namespace {

struct Shape {
    uint64_t number;
    uint8_t argument_count;
    uint8_t string_arguments;      // bit i: argument i is a path or string
    uint8_t address_arguments = 0; // bit i: argument i is a socket address, i + 1 its length
};

// Calls whose shape differs from "six hex numbers": how many arguments, which are strings.
constexpr Shape shapes[] = {
    {nr::read, 3, 0},
    {nr::write, 3, 0},
    {nr::close, 1, 0},
    {nr::fstat, 2, 0},
    {nr::lseek, 3, 0},
    {nr::mmap, 6, 0},
    {nr::mprotect, 3, 0},
    {nr::munmap, 2, 0},
    {nr::brk, 1, 0},
    {nr::rt_sigaction, 4, 0},
    {nr::rt_sigprocmask, 4, 0},
    {nr::ioctl, 3, 0},
    {nr::readv, 3, 0},
    {nr::writev, 3, 0},
    {nr::access, 2, 1},
    {nr::sched_yield, 0, 0},
    {nr::mremap, 5, 0},
    {nr::madvise, 3, 0},
    {nr::dup, 1, 0},
    {nr::dup2, 2, 0},
    {nr::nanosleep, 2, 0},
    {nr::getpid, 0, 0},
    {nr::clone, 5, 0},
    {nr::exit, 1, 0},
    {nr::kill, 2, 0},
    {nr::uname, 1, 0},
    {nr::fcntl, 3, 0},
    {nr::getcwd, 2, 0},
    {nr::readlink, 3, 1},
    {nr::gettimeofday, 2, 0},
    {nr::getrlimit, 2, 0},
    {nr::sysinfo, 1, 0},
    {nr::getuid, 0, 0},
    {nr::getgid, 0, 0},
    {nr::geteuid, 0, 0},
    {nr::getegid, 0, 0},
    {nr::getppid, 0, 0},
    {nr::sigaltstack, 2, 0},
    {nr::arch_prctl, 2, 0},
    {nr::gettid, 0, 0},
    {nr::time, 1, 0},
    {nr::futex, 6, 0},
    {nr::sched_getaffinity, 3, 0},
    {nr::set_tid_address, 1, 0},
    {nr::clock_gettime, 2, 0},
    {nr::clock_getres, 2, 0},
    {nr::clock_nanosleep, 4, 0},
    {nr::exit_group, 1, 0},
    {nr::tgkill, 3, 0},
    {nr::openat, 4, 2},
    {nr::newfstatat, 4, 2},
    {nr::readlinkat, 4, 2},
    {nr::set_robust_list, 2, 0},
    {nr::prlimit64, 4, 0},
    {nr::getrandom, 3, 0},
    {nr::rseq, 4, 0},
    {nr::clone3, 2, 0},
    {nr::open, 3, 1},
    {nr::stat, 2, 1},
    {nr::lstat, 2, 1},
    {nr::execve, 3, 1},
    {nr::statx, 5, 2},
    {nr::faccessat, 3, 2},
    {nr::faccessat2, 4, 2},
    {nr::unlink, 1, 1},
    {nr::mkdir, 2, 1},
    {nr::poll, 3, 0},
    {nr::ppoll, 5, 0},
    {nr::select, 5, 0},
    {nr::pselect6, 6, 0},
    {nr::pipe, 1, 0},
    {nr::pipe2, 2, 0},
    {nr::eventfd, 1, 0},
    {nr::eventfd2, 2, 0},
    {nr::epoll_create, 1, 0},
    {nr::epoll_create1, 1, 0},
    {nr::epoll_ctl, 4, 0},
    {nr::epoll_wait, 4, 0},
    {nr::epoll_pwait, 6, 0},
    {nr::epoll_pwait2, 6, 0},
    {nr::socket, 3, 0},
    {nr::bind, 3, 0, 1u << 1},
    {nr::connect, 3, 0, 1u << 1},
    {nr::listen, 2, 0},
    {nr::accept, 3, 0},
    {nr::accept4, 4, 0},
    {nr::shutdown, 2, 0},
    {nr::getsockname, 3, 0},
    {nr::getpeername, 3, 0},
    {nr::setsockopt, 5, 0},
    {nr::getsockopt, 5, 0},
    {nr::sendto, 6, 0, 1u << 4},
    {nr::recvfrom, 6, 0},
    {nr::sendmsg, 3, 0},
    {nr::recvmsg, 3, 0},
};

Shape shape_of(uint64_t number) {
    for (const auto& shape : shapes) {
        if (shape.number == number)
            return shape;
    }
    return {number, 6, 0, 0};
}

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

void trace_raw_arguments(FormatBuffer& line, uint64_t number, const SyscallFrame& frame) {
    const uint64_t arguments[6] = {frame.rdi, frame.rsi, frame.rdx, frame.r10, frame.r8, frame.r9};
    Shape shape = shape_of(number);
    for (int i = 0; i < shape.argument_count; ++i) {
        separate(line, i);
        if ((shape.address_arguments & (1u << i)) && i < 5 &&
            append_socket_address(line, arguments[i], arguments[i + 1]))
            continue;
        if (shape.string_arguments & (1u << i))
            append_string(line, arguments[i]);
        else
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
