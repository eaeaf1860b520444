#include "platform/platform.h"

#include "platform/platform_interface.h"

namespace kernel::platform {

namespace {
// pvh's boot code selects itself before it logs anything; hvt's kernel_main does not log
// before initialize().
abi::Platform current = abi::Platform::Hvt;
bool is_hvt() {
    return current == abi::Platform::Hvt;
}
} // namespace

void initialize(const abi::BootInfo& boot_info) {
    current = boot_info.platform;
    if (is_hvt())
        hvt::initialize(boot_info);
    else
        pvh::initialize(boot_info);
}

void select(abi::Platform platform) {
    current = platform;
}

abi::Platform active() {
    return current;
}

ErrorOr<size_t> console_write(abi::ConsoleStream stream, const void* data, size_t length) {
    return is_hvt() ? hvt::console_write(stream, data, length)
                    : pvh::console_write(stream, data, length);
}

ErrorOr<size_t> console_read(void* data, size_t length) {
    return is_hvt() ? hvt::console_read(data, length) : pvh::console_read(data, length);
}

uint64_t wait_for_events(uint64_t interest, uint64_t timeout_ns) {
    return is_hvt() ? hvt::wait_for_events(interest, timeout_ns)
                    : pvh::wait_for_events(interest, timeout_ns);
}

void exit(int status) {
    if (is_hvt())
        hvt::exit(status);
    pvh::exit(status);
}

void crash(const abi::CrashArgs& crash) {
    if (is_hvt())
        hvt::crash(crash);
    pvh::crash(crash);
}

abi::StreamKind stream_kind(int fd) {
    return is_hvt() ? hvt::stream_kind(fd) : pvh::stream_kind(fd);
}

void flush_tlb() {
    if (is_hvt())
        hvt::flush_tlb();
    else
        pvh::flush_tlb();
}

} // namespace kernel::platform

namespace kernel::platform {

void start_devices() {
    if (is_hvt())
        hvt::start_devices();
    else
        pvh::start_devices();
}

net::NetDevice* net_device() {
    return is_hvt() ? hvt::net_device() : pvh::net_device();
}

net::InterfaceConfig net_config() {
    return is_hvt() ? hvt::net_config() : pvh::net_config();
}

volatile uint64_t* host_signals(uint64_t program_load_bias) {
    return is_hvt() ? hvt::host_signals(program_load_bias) : pvh::host_signals(program_load_bias);
}

} // namespace kernel::platform
