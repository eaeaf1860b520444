#include "vmm/hypercalls.h"

#include "vmm/net_device.h"
#include "vmm/volume/volume_device.h"

#include <ingot/abi/exit_status.h>

#include <fmt/format.h>

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace ingot {

namespace {

// Writes everything, or returns -errno.
int64_t write_all(int fd, const uint8_t* data, size_t length) {
    size_t done = 0;
    while (done < length) {
        ssize_t n = ::write(fd, data + done, length - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return done ? static_cast<int64_t>(done) : -errno;
        done += static_cast<size_t>(n);
    }
    return static_cast<int64_t>(done);
}

} // namespace

uint64_t HypercallHandler::total() const {
    uint64_t sum = 0;
    for (auto count : m_counts)
        sum += count;
    return sum;
}

template <typename Args> Args HypercallHandler::load(uint64_t address) {
    auto arguments = m_memory.read<Args>(address);
    if (!arguments)
        throw GuestFault(
            fmt::format("hypercall arguments at {:#x} lie outside guest memory", address));
    return *arguments;
}

template <typename Args> void HypercallHandler::store(uint64_t address, const Args& arguments) {
    m_memory.write(address, arguments);
}

HypercallOutcome HypercallHandler::handle(uint64_t offset, uint64_t argument_address) {
    uint64_t number = offset / 8;
    if (offset % 8 || number == 0 || number >= abi::hypercall_count)
        throw GuestFault(fmt::format("store to offset {:#x} of the hypercall window", offset));
    ++m_counts[number];
    switch (static_cast<abi::Hypercall>(number)) {
    case abi::Hypercall::ConsoleWrite:
        console_write(argument_address);
        return {};
    case abi::Hypercall::ConsoleRead:
        console_read(argument_address);
        return {};
    case abi::Hypercall::Poll:
        poll(argument_address);
        return {};
    case abi::Hypercall::NetSetup:
        net_set_up(argument_address);
        return {};
    case abi::Hypercall::NetKick:
        net_kick(argument_address);
        return {};
    case abi::Hypercall::VolumeRequest:
        volume_request(argument_address);
        return {};
    case abi::Hypercall::TlbFlush:
        load<abi::TlbFlushArgs>(argument_address);
        return {HypercallOutcome::Kind::FlushTlb, 0, {}};
    case abi::Hypercall::Exit: {
        auto arguments = load<abi::ExitArgs>(argument_address);
        return {HypercallOutcome::Kind::Exit, arguments.status & 0xff, {}};
    }
    case abi::Hypercall::Crash: {
        auto arguments = load<abi::CrashArgs>(argument_address);
        if (arguments.signal == 0 || arguments.signal > 64)
            throw GuestFault(fmt::format("crash hypercall with signal {}", arguments.signal));
        return {HypercallOutcome::Kind::Crash,
                abi::exit_killed_by(static_cast<int>(arguments.signal)), arguments};
    }
    }
    throw GuestFault(fmt::format("unknown hypercall {}", number));
}

std::span<uint8_t> HypercallHandler::console_buffer(uint64_t address, uint64_t length,
                                                    const char* call) {
    if (length > abi::max_console_transfer)
        throw GuestFault(fmt::format("{} of {} bytes exceeds the limit", call, length));
    auto data = m_memory.span(address, length);
    if (!data)
        throw GuestFault(
            fmt::format("{} buffer at {:#x} lies outside guest memory", call, address));
    return *data;
}

void HypercallHandler::console_write(uint64_t address) {
    auto arguments = load<abi::ConsoleWriteArgs>(address);
    auto data = console_buffer(arguments.data, arguments.length, "console write");
    switch (static_cast<abi::ConsoleStream>(arguments.stream)) {
    case abi::ConsoleStream::Stdout:
        arguments.result = write_output(STDOUT_FILENO, data);
        break;
    case abi::ConsoleStream::Stderr:
        arguments.result = write_output(STDERR_FILENO, data);
        break;
    case abi::ConsoleStream::KernelLog: {
        // Kernel messages share the host's stderr, marked as the kernel's.
        std::string text;
        for (uint8_t byte : data) {
            if (m_log_at_line_start)
                text += "ingot-kernel: ";
            text += static_cast<char>(byte);
            m_log_at_line_start = byte == '\n';
        }
        write_output(STDERR_FILENO, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
        arguments.result = static_cast<int64_t>(data.size());
        break;
    }
    default:
        throw GuestFault(fmt::format("console write to unknown stream {}", arguments.stream));
    }
    store(address, arguments);
}

int64_t HypercallHandler::write_output(int fd, std::span<const uint8_t> bytes) {
    auto delay = m_output.hold_back(bytes.size());
    if (delay.count() > 0) {
        // A forwarded signal ends the wait early (its handler runs here, as in Poll): a
        // flooding guest does not keep the monitor from stopping.
        timespec wait{static_cast<time_t>(delay.count() / 1000000000),
                      static_cast<long>(delay.count() % 1000000000)};
        if (m_waiting_mask)
            ::ppoll(nullptr, 0, &wait, m_waiting_mask);
        else
            ::clock_nanosleep(CLOCK_MONOTONIC, 0, &wait, nullptr);
    }
    std::span<const uint8_t> output = m_output.prepare(fd, bytes, m_escaped);
    int64_t written = write_all(fd, output.data(), output.size());
    if (written < 0 || output.data() == bytes.data())
        return written;
    // Escaped output has other lengths: what the guest wrote went out, as far as it knows.
    return static_cast<int64_t>(bytes.size());
}

void HypercallHandler::console_read(uint64_t address) {
    auto arguments = load<abi::ConsoleReadArgs>(address);
    auto data = console_buffer(arguments.data, arguments.length, "console read");
    pollfd input{STDIN_FILENO, POLLIN, 0};
    int ready = ::poll(&input, 1, 0);
    if (ready < 0 && errno != EINTR) {
        arguments.result = 0; // no usable stdin: end of input
    } else if (ready <= 0) {
        arguments.result = -EAGAIN;
    } else if (input.revents & POLLNVAL) {
        arguments.result = 0;
    } else {
        ssize_t n;
        do {
            n = ::read(STDIN_FILENO, data.data(), data.size());
        } while (n < 0 && errno == EINTR);
        arguments.result = n < 0 ? (errno == EAGAIN ? -EAGAIN : 0) : n;
    }
    store(address, arguments);
}

void HypercallHandler::poll(uint64_t address) {
    auto arguments = load<abi::PollArgs>(address);
    bool watch_input = arguments.interest & abi::poll_event_stdin;
    bool watch_network =
        (arguments.interest & abi::poll_event_net) && m_network && m_network->is_set_up();
    // Frames the host already has are moved into the ring first: then no wait at all.
    bool frames_waiting = watch_network && m_network->refill();
    int network_fd = watch_network ? m_network->host_fd() : -1;
    pollfd watched[2];
    nfds_t count = 0;
    if (watch_input)
        watched[count++] = {STDIN_FILENO, POLLIN, 0};
    if (network_fd >= 0)
        watched[count++] = {network_fd, POLLIN, 0};
    timespec timeout{};
    timespec* timeout_pointer = nullptr;
    if (arguments.timeout_ns != UINT64_MAX) {
        timeout.tv_sec = static_cast<time_t>(arguments.timeout_ns / 1000000000ull);
        timeout.tv_nsec = static_cast<long>(arguments.timeout_ns % 1000000000ull);
        timeout_pointer = &timeout;
    }
    // A signal that came during the last KVM_RUN is waiting to be posted to the guest.
    if (frames_waiting || (m_signal_received && *m_signal_received))
        timeout_pointer = &(timeout = {0, 0});
    int ready = ::ppoll(count ? watched : nullptr, count, timeout_pointer, m_waiting_mask);
    arguments.events = 0;
    if (ready > 0 && watch_input && (watched[0].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)))
        arguments.events |= abi::poll_event_stdin;
    if (ready > 0 && network_fd >= 0 && watched[count - 1].revents)
        frames_waiting = m_network->host_ready(watched[count - 1].revents) || frames_waiting;
    if (frames_waiting)
        arguments.events |= abi::poll_event_net;
    store(address, arguments);
}

void HypercallHandler::net_set_up(uint64_t address) {
    auto arguments = load<abi::NetSetupArgs>(address);
    arguments.result = m_network ? m_network->set_up(arguments) : -ENODEV;
    store(address, arguments);
}

void HypercallHandler::net_kick(uint64_t address) {
    auto arguments = load<abi::NetKickArgs>(address);
    arguments.result = 0;
    if (m_network && m_network->is_set_up())
        m_network->kick();
    else
        arguments.result = -ENODEV;
    store(address, arguments);
}

void HypercallHandler::volume_request(uint64_t address) {
    auto arguments = load<abi::VolumeRequestArgs>(address);
    arguments.result = m_volumes ? m_volumes->request(arguments) : -ENODEV;
    store(address, arguments);
}

} // namespace ingot
