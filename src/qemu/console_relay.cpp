#include "qemu/console_relay.h"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace ingot {

namespace {

// Past this much input QEMU has not taken yet, stop reading stdin: the guest reads slowly.
constexpr size_t pending_input_limit = 64 * 1024;
// After the exit frame QEMU should end at once (isa-debug-exit); do not wait forever if not.
constexpr int exit_grace_ms = 2000;

// Blocking write of everything, also to a descriptor someone else made non-blocking. A
// reader that went away (EPIPE) just loses the output, as the program's would.
void write_all(int fd, std::span<const uint8_t> bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            pollfd wait{fd, POLLOUT, 0};
            ::poll(&wait, 1, -1);
            continue;
        }
        if (n <= 0)
            return;
        bytes = bytes.subspan(static_cast<size_t>(n));
    }
}

} // namespace

sigset_t forwarded_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    for (int signal : {SIGINT, SIGTERM, SIGHUP})
        sigaddset(&signals, signal);
    return signals;
}

ConsoleRelay::ConsoleRelay(int to_guest, int from_guest, bool raw_console)
    : m_to_guest(to_guest), m_from_guest(from_guest), m_output(raw_console) {}

void ConsoleRelay::write_output(GuestStream stream, std::span<const uint8_t> bytes) {
    auto delay = m_output.hold_back(bytes.size());
    if (delay.count() > 0) {
        // Signals wait in the signalfd meanwhile; a wait is at most a chunk's worth (1 ms).
        timespec wait{static_cast<time_t>(delay.count() / 1000000000),
                      static_cast<long>(delay.count() % 1000000000)};
        ::clock_nanosleep(CLOCK_MONOTONIC, 0, &wait, nullptr);
    }
    int fd = stream == GuestStream::Stdout ? STDOUT_FILENO : STDERR_FILENO;
    write_all(fd, m_output.prepare(fd, bytes, m_escaped));
}

// False at end of input (or when stdin cannot be read, which is the same to the program).
bool ConsoleRelay::read_stdin() {
    uint8_t buffer[16 * 1024];
    ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    append_input(m_pending_input, {buffer, static_cast<size_t>(n)});
    return true;
}

void ConsoleRelay::write_to_guest() {
    ssize_t n = ::write(m_to_guest, m_pending_input.data(), m_pending_input.size());
    if (n > 0)
        m_pending_input.erase(m_pending_input.begin(), m_pending_input.begin() + n);
    else if (n < 0 && errno != EAGAIN && errno != EINTR)
        m_pending_input.clear(); // QEMU is gone: nobody will read it
}

RelayOutcome ConsoleRelay::run() {
    RelayOutcome outcome;
    sigset_t signals = forwarded_signals();
    int signal_fd = ::signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
    int signals_seen = 0;
    for (;;) {
        if (!m_stdin_open && !m_end_of_input_queued) {
            append_end_of_input(m_pending_input);
            m_end_of_input_queued = true;
        }
        enum { guest_output, host_signal, host_input, guest_input };
        pollfd fds[4] = {
            {m_from_guest, POLLIN, 0},
            {signal_fd, POLLIN, 0},
            {m_stdin_open && m_pending_input.size() < pending_input_limit ? STDIN_FILENO : -1,
             POLLIN, 0},
            {m_to_guest >= 0 && !m_pending_input.empty() && m_decoder.guest_ready() ? m_to_guest
                                                                                    : -1,
             POLLOUT, 0}};
        int timeout = m_decoder.exit_status() ? exit_grace_ms : -1;
        int ready = ::poll(fds, 4, timeout);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0)
            break;
        if (fds[host_signal].revents & POLLIN) {
            signalfd_siginfo info;
            while (::read(signal_fd, &info, sizeof info) == sizeof info) {
                // The first goes to the program; a second means the user insists: stop.
                if (++signals_seen > 1) {
                    outcome.stopping_signal = static_cast<int>(info.ssi_signo);
                    break;
                }
                append_host_signal(m_pending_input, static_cast<int>(info.ssi_signo));
            }
            if (outcome.stopping_signal)
                break;
        }
        if (fds[host_input].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
            m_stdin_open = read_stdin();
        if (fds[guest_input].revents & (POLLOUT | POLLERR | POLLHUP))
            write_to_guest();
        if (fds[guest_output].revents & (POLLIN | POLLHUP | POLLERR)) {
            uint8_t buffer[64 * 1024];
            ssize_t n = ::read(m_from_guest, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break; // QEMU has exited
            try {
                m_decoder.feed({buffer, static_cast<size_t>(n)},
                               [this](GuestStream stream, std::span<const uint8_t> bytes) {
                                   write_output(stream, bytes);
                               });
            } catch (const ConsoleProtocolError& error) {
                outcome.protocol_error = error.what();
                break;
            }
        }
    }
    ::close(signal_fd);
    outcome.exit_status = m_decoder.exit_status();
    return outcome;
}

} // namespace ingot
