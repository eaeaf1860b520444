#include "fs/console_file.h"

#include "lib/format.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "mm/user_memory.h"
#include "platform/platform.h"
#include "sched/scheduler.h"

namespace kernel {

namespace {

// A console read takes at most this much at once (a read may return less than asked, as a
// pipe's does), so a large buffer has at most this much of it made present for one read.
constexpr size_t read_limit = 64 * 1024;

constexpr uint32_t tcgets = 0x5401;
constexpr uint32_t tiocgwinsz = 0x5413;
constexpr uint32_t fionread = 0x541b;

// Input poll() found waiting: the platform cannot tell whether input is ready without taking
// it, so what it hands over waits here for the next read. Shared by every descriptor of stdin.
struct StdinLookahead {
    char bytes[512];
    size_t start = 0;
    size_t length = 0;
    bool end_of_input = false; // the next read returns 0
};
StdinLookahead lookahead;

// Takes input into the lookahead when it is empty; whether a read would now return at once.
bool stdin_has_input() {
    if (lookahead.length || lookahead.end_of_input)
        return true;
    auto result = platform::console_read(lookahead.bytes, sizeof lookahead.bytes);
    if (result.is_error())
        return false;
    lookahead.start = 0;
    lookahead.length = result.value();
    lookahead.end_of_input = result.value() == 0;
    return true;
}

struct LinuxTermios {
    uint32_t iflag, oflag, cflag, lflag;
    uint8_t line;
    uint8_t control[19];
};

struct LinuxWinsize {
    uint16_t rows, columns, x_pixels, y_pixels;
};

} // namespace

uint32_t ConsoleFile::poll_events() {
    if (m_stream != 0)
        return poll_event::out | poll_event::write_normal;
    return stdin_has_input() ? poll_event::in | poll_event::read_normal : 0;
}

Readiness* ConsoleFile::readiness() {
    return m_stream == 0 ? &scheduler::stdin_readiness() : nullptr;
}

bool ConsoleFile::is_terminal() const {
    return platform::stream_kind(m_stream) == abi::StreamKind::Terminal;
}

ErrorOr<size_t> ConsoleFile::read(uint64_t user_buffer, size_t length) {
    if (m_stream != 0)
        return EBADF;
    if (length == 0)
        return static_cast<size_t>(0);
    if (!user_address_space().is_accessible(user_buffer, length, Access::Write))
        return EFAULT;
    if (lookahead.length) {
        size_t taken = min(length, lookahead.length);
        TRY(copy_to_user(user_buffer, lookahead.bytes + lookahead.start, taken));
        lookahead.start += taken;
        lookahead.length -= taken;
        return taken;
    }
    if (lookahead.end_of_input) {
        lookahead.end_of_input = false;
        return static_cast<size_t>(0);
    }
    size_t wanted = min(length, read_limit);
    for (;;) {
        // Again after every wait: another thread may have changed the mapping meanwhile.
        TRY(user_address_space().populate(user_buffer, wanted, Access::Write));
        auto result = platform::console_read(reinterpret_cast<void*>(user_buffer), wanted);
        if (!result.is_error())
            return result.value();
        if (result.error().code() != EAGAIN || (m_status_flags & o_nonblock))
            return result.error();
        scheduler::block(&scheduler::stdin_waiters(), scheduler::no_deadline);
    }
}

ErrorOr<size_t> ConsoleFile::write(uint64_t user_buffer, size_t length) {
    if (m_stream == 0)
        return EBADF;
    TRY(user_address_space().populate(user_buffer, length, Access::Read));
    auto stream = m_stream == 1 ? abi::ConsoleStream::Stdout : abi::ConsoleStream::Stderr;
    return platform::console_write(stream, reinterpret_cast<const void*>(user_buffer), length);
}

// The host's end may be a terminal, a pipe or a file: the guest sees the console device.
size_t ConsoleFile::describe(char* buffer, size_t capacity) {
    return format_within(buffer, capacity, "/dev/console");
}

ErrorOr<void> ConsoleFile::stat(LinuxStat& stat) {
    memset(&stat, 0, sizeof stat);
    stat.st_nlink = 1;
    stat.st_ino = 100 + m_stream;
    stat.st_blksize = 65536;
    if (is_terminal()) {
        stat.st_mode = 020620; // S_IFCHR, like /dev/pts/N
        stat.st_rdev = (136 << 8) | 0;
    } else {
        stat.st_mode = 010600; // S_IFIFO
    }
    return {};
}

ErrorOr<long> ConsoleFile::ioctl(uint32_t request, uint64_t argument) {
    switch (request) {
    case tcgets: {
        if (!is_terminal())
            return ENOTTY;
        LinuxTermios termios{};
        termios.iflag = 0x500;  // ICRNL | IXON
        termios.oflag = 0x5;    // OPOST | ONLCR
        termios.cflag = 0xbf;   // B38400 | CS8 | CREAD
        termios.lflag = 0x8a3b; // ISIG | ICANON | ECHO... as a default terminal
        TRY(write_user(argument, termios));
        return 0;
    }
    case tiocgwinsz: {
        if (!is_terminal())
            return ENOTTY;
        TRY(write_user(argument, LinuxWinsize{24, 80, 0, 0}));
        return 0;
    }
    case fionread:
        if (m_stream != 0)
            return ENOTTY;
        stdin_has_input();
        TRY(write_user(argument, static_cast<int>(lookahead.length)));
        return 0;
    default:
        return ENOTTY;
    }
}

} // namespace kernel
