#include "qemu/console_relay.h"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>

namespace ingot {

namespace {

// Past this much input QEMU has not taken yet, stop reading stdin: the guest reads slowly.
constexpr size_t pending_input_limit = 256 * 1024;
// Large reads and writes: a virtio-console port moves pages at a time.
constexpr size_t transfer_size = 64 * 1024;
// After the exit frame QEMU should end at once (isa-debug-exit); do not wait forever if not.
constexpr int exit_grace_ms = 2000;

// Blocking write of everything, also to a descriptor someone else made non-blocking. False
// when the descriptor cannot take it (EPIPE: its reader went away).
bool write_all(int fd, std::span<const uint8_t> bytes) {
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
            return false;
        bytes = bytes.subspan(static_cast<size_t>(n));
    }
    return true;
}

} // namespace

ConsoleRelay::ConsoleRelay(int to_guest, int from_guest, int device_console,
                           std::optional<StopPolicy::Clock::duration> stop_timeout,
                           bool raw_console)
    : m_forwarded(forwarded_signals()), m_policy(stop_timeout), m_output(raw_console) {
    m_channels[0].to_guest = to_guest;
    m_channels[0].from_guest = from_guest;
    m_channels[0].open = true;
    m_channels[1].to_guest = m_channels[1].from_guest = device_console;
    m_channels[1].open = device_console >= 0;
}

// False at end of input (or when stdin cannot be read, which is the same to the program).
bool ConsoleRelay::read_stdin() {
    uint8_t buffer[transfer_size];
    ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    append_input(m_pending_input, {buffer, static_cast<size_t>(n)});
    return true;
}

ConsoleRelay::Channel* ConsoleRelay::input_channel() {
    for (Channel& channel : m_channels) {
        if (channel.to_guest >= 0 && channel.decoder.guest_ready())
            return &channel;
    }
    return nullptr;
}

std::optional<uint32_t> ConsoleRelay::exit_status() const {
    for (const Channel& channel : m_channels) {
        if (channel.decoder.exit_status())
            return channel.decoder.exit_status();
    }
    return std::nullopt;
}

void ConsoleRelay::write_to_guest(Channel& channel) {
    ssize_t n = ::write(channel.to_guest, m_pending_input.data(), m_pending_input.size());
    if (n > 0)
        m_pending_input.erase(m_pending_input.begin(), m_pending_input.begin() + n);
    else if (n < 0 && errno != EAGAIN && errno != EINTR)
        m_pending_input.clear(); // QEMU is gone: nobody will read it
}

void ConsoleRelay::write_output(GuestStream stream, std::span<const uint8_t> bytes) {
    bool is_stdout = stream == GuestStream::Stdout;
    bool& closed = m_output_closed[is_stdout ? 0 : 1];
    if (closed)
        return;
    auto delay = m_output.hold_back(bytes.size());
    if (delay.count() > 0) {
        // Signals wait in the signalfd meanwhile; a wait is at most a chunk's worth (1 ms).
        timespec wait{static_cast<time_t>(delay.count() / 1000000000),
                      static_cast<long>(delay.count() % 1000000000)};
        ::clock_nanosleep(CLOCK_MONOTONIC, 0, &wait, nullptr);
    }
    int fd = is_stdout ? STDOUT_FILENO : STDERR_FILENO;
    if (write_all(fd, m_output.prepare(fd, bytes, m_escaped)))
        return;
    closed = true;
    m_stop = m_policy.on_signal(SIGPIPE, StopPolicy::Clock::now());
    if (!m_stop)
        append_host_signal(m_pending_input, SIGPIPE);
}

bool ConsoleRelay::read_guest(Channel& channel) {
    uint8_t buffer[transfer_size];
    ssize_t n = ::read(channel.from_guest, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    // After a stop, the rest of what was read is dropped with the VM.
    channel.decoder.feed({buffer, static_cast<size_t>(n)},
                         [this](GuestStream stream, std::span<const uint8_t> bytes) {
                             if (!m_stop)
                                 write_output(stream, bytes);
                         });
    return true;
}

int ConsoleRelay::poll_timeout() const {
    if (exit_status())
        return exit_grace_ms;
    if (!m_policy.deadline())
        return -1;
    auto left = *m_policy.deadline() - StopPolicy::Clock::now();
    // Rounded up: waking before the deadline would only mean polling again.
    return static_cast<int>(
        std::max<int64_t>(0, std::chrono::ceil<std::chrono::milliseconds>(left).count()));
}

RelayOutcome ConsoleRelay::run() {
    RelayOutcome outcome;
    int signal_fd = ::signalfd(-1, &m_forwarded, SFD_CLOEXEC | SFD_NONBLOCK);
    // QEMU closes every channel as it exits; the last of them ends the relay, so that nothing
    // the guest sent on one is lost for the other's end.
    while (m_channels[0].open || m_channels[1].open) {
        if (!m_stdin_open && !m_end_of_input_queued) {
            append_end_of_input(m_pending_input);
            m_end_of_input_queued = true;
        }
        Channel* input = m_pending_input.empty() ? nullptr : input_channel();
        enum { serial_output, device_output, host_signal, host_input, guest_input };
        pollfd fds[5] = {
            {m_channels[0].open ? m_channels[0].from_guest : -1, POLLIN, 0},
            {m_channels[1].open ? m_channels[1].from_guest : -1, POLLIN, 0},
            {signal_fd, POLLIN, 0},
            {m_stdin_open && m_pending_input.size() < pending_input_limit ? STDIN_FILENO : -1,
             POLLIN, 0},
            {input ? input->to_guest : -1, POLLOUT, 0}};
        int ready = ::poll(fds, 5, poll_timeout());
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0 && exit_status())
            break;
        // Once the program has exited, its status is final: no stop overrides it.
        if (!exit_status() && (m_stop = m_policy.on_time(StopPolicy::Clock::now())))
            break;
        if (fds[host_signal].revents & POLLIN) {
            signalfd_siginfo info;
            while (!m_stop && ::read(signal_fd, &info, sizeof info) == sizeof info) {
                int signal = static_cast<int>(info.ssi_signo);
                if (exit_status())
                    continue;
                m_stop = m_policy.on_signal(signal, StopPolicy::Clock::now());
                if (!m_stop)
                    append_host_signal(m_pending_input, signal);
            }
            if (m_stop)
                break;
        }
        if (fds[host_input].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
            m_stdin_open = read_stdin();
        if (input && (fds[guest_input].revents & (POLLOUT | POLLERR | POLLHUP)))
            write_to_guest(*input);
        try {
            for (int i : {serial_output, device_output}) {
                Channel& channel = m_channels[i];
                if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
                    channel.open = read_guest(channel);
            }
        } catch (const ConsoleProtocolError& error) {
            outcome.protocol_error = error.what();
            break;
        }
        if (m_stop)
            break;
    }
    ::close(signal_fd);
    outcome.stop = m_stop;
    outcome.exit_status = exit_status();
    return outcome;
}

} // namespace ingot
