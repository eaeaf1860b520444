#include "platform/platform.h"

#include "platform/platform_interface.h"
#include "sched/scheduler.h"

namespace kernel::platform {

namespace {
// pvh's boot code selects itself before it logs anything; hvt's kernel_main does not log
// before initialize().
abi::Platform current = abi::Platform::Hvt;
const Operations* operations;
} // namespace

void initialize(const abi::BootInfo& boot_info) {
    select(boot_info.platform);
    operations->initialize(boot_info);
}

// A kernel entered through a platform it was built without has no way even to say so: the
// host checks an image's components before it boots one (`ingot run`), so this is a foreign
// loader's doing.
void select(abi::Platform platform) {
    current = platform;
    operations = platform == abi::Platform::Hvt ? hvt::operations() : pvh::operations();
    if (!operations)
        __builtin_trap();
}

abi::Platform active() {
    return current;
}

ErrorOr<size_t> console_write(abi::ConsoleStream stream, const void* data, size_t length) {
    return operations->console_write(stream, data, length);
}

ErrorOr<size_t> console_read(void* data, size_t length) {
    return operations->console_read(data, length);
}

uint64_t wait_for_events(uint64_t interest, uint64_t timeout_ns) {
    return operations->wait_for_events(interest, timeout_ns);
}

void exit(int status) {
    operations->exit(status);
}

void crash(const abi::CrashArgs& crash) {
    operations->crash(crash);
}

abi::StreamKind stream_kind(int fd) {
    return operations->stream_kind(fd);
}

void flush_tlb() {
    operations->flush_tlb();
}

void start_devices() {
    operations->start_devices();
}

net::NetDevice* net_device() {
    return operations->net_device();
}

net::InterfaceConfig net_config() {
    return operations->net_config();
}

volatile uint64_t* host_signals(uint64_t program_load_bias) {
    return operations->host_signals(program_load_bias);
}

} // namespace kernel::platform

extern "C" int interrupt_dispatch(kernel::InterruptFrame& frame) {
    return kernel::platform::operations->dispatch_interrupt(frame);
}

extern "C" void preempt_current() {
    kernel::scheduler::preempt();
}
