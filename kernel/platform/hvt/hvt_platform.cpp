// The hvt platform: everything goes through the Ingot monitor's hypercalls.
#include "platform/platform_interface.h"

#include "lib/utility.h"
#include "platform/hvt/hypercall.h"

#include <ingot/abi/memory_layout.h>

namespace kernel::hvt {

abi::StreamKind streams[3];
uint64_t guest_info_physical;

void initialize(const abi::BootInfo& boot_info) {
    for (int i = 0; i < 3; ++i)
        streams[i] = boot_info.streams[i];
    guest_info_physical = boot_info.guest_info;
}

// The monitor offers no devices yet.
void start_devices() {}

volatile uint64_t* host_signals(uint64_t program_load_bias) {
    if (!guest_info_physical)
        return nullptr;
    auto& info = *physical_to_kernel<abi::GuestInfo>(guest_info_physical);
    info = {abi::guest_info_magic, program_load_bias, 0};
    return &info.pending_host_signals;
}

ErrorOr<size_t> console_write(abi::ConsoleStream stream, const void* data, size_t length) {
    size_t done = 0;
    while (done < length) {
        abi::ConsoleWriteArgs arguments{};
        arguments.stream = static_cast<uint32_t>(stream);
        arguments.data = kernel_to_physical(static_cast<const char*>(data) + done);
        arguments.length = min<uint64_t>(length - done, abi::max_console_transfer);
        hypercall(abi::Hypercall::ConsoleWrite, arguments);
        if (arguments.result < 0)
            return done ? ErrorOr<size_t>(done)
                        : ErrorOr<size_t>(static_cast<Errno>(-arguments.result));
        done += static_cast<size_t>(arguments.result);
        if (arguments.result == 0)
            break;
    }
    return done;
}

ErrorOr<size_t> console_read(void* data, size_t length) {
    abi::ConsoleReadArgs arguments{};
    arguments.data = kernel_to_physical(data);
    arguments.length = min<uint64_t>(length, abi::max_console_transfer);
    hypercall(abi::Hypercall::ConsoleRead, arguments);
    if (arguments.result < 0)
        return static_cast<Errno>(-arguments.result);
    return static_cast<size_t>(arguments.result);
}

uint64_t wait_for_events(uint64_t interest, uint64_t timeout_ns) {
    abi::PollArgs arguments{};
    arguments.timeout_ns = timeout_ns;
    arguments.interest = interest;
    hypercall(abi::Hypercall::Poll, arguments);
    return arguments.events;
}

void exit(int status) {
    abi::ExitArgs arguments{};
    arguments.status = status;
    for (;;)
        hypercall(abi::Hypercall::Exit, arguments);
}

void crash(const abi::CrashArgs& crash) {
    abi::CrashArgs arguments = crash;
    for (;;)
        hypercall(abi::Hypercall::Crash, arguments);
}

abi::StreamKind stream_kind(int fd) {
    if (fd < 0 || fd > 2)
        return abi::StreamKind::Null;
    return streams[fd];
}

// No network device yet.
net::NetDevice* net_device() {
    return nullptr;
}

net::InterfaceConfig net_config() {
    return {};
}

} // namespace kernel::hvt
