// The hvt platform: everything goes through the Ingot monitor's hypercalls.
#include "platform/platform_interface.h"

#include "components/component.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "mm/frame_allocator.h"
#include "platform/hvt/hvt_events.h"
#include "platform/hvt/hvt_net_device.h"
#include "platform/hvt/hvt_volume_transport.h"
#include "platform/hvt/hypercall.h"

#include <ingot/abi/memory_layout.h>

namespace kernel::hvt {

abi::StreamKind streams[3];
uint64_t guest_info_physical;
uint64_t network_info_physical;
uint64_t volume_table_physical;

namespace {

// The console's bytes pass the monitor from here: one guest-physical range, where the
// program's buffer may span pages anywhere. 16 KiB, not the 64 KiB a call may carry: a 64 KiB
// write then takes four exits instead of one (on PVM's 12 us exits, 37 ms more per 64 MiB),
// for 48 KiB less of every hvt kernel. Events come only while the program runs, so nothing
// else writes it during a call.
alignas(abi::page_size) char console_bounce[16 * 1024];

class HypercallLink final : public MonitorLink {
public:
    int64_t set_up(const abi::NetSetupArgs& setup) override {
        abi::NetSetupArgs arguments = setup;
        hypercall(abi::Hypercall::NetSetup, arguments);
        return arguments.result;
    }
    int64_t kick() override {
        abi::NetKickArgs arguments{};
        hypercall(abi::Hypercall::NetKick, arguments);
        return arguments.result;
    }
};

Lifelong<HypercallLink> link_storage;
Lifelong<HvtNetDevice> net_device_storage;
HvtNetDevice* network;
abi::NetworkInfo network_info;

// Slots per ring: 256 full-sized frames are 379 KiB, a generous TCP window per kick; smaller
// rings when memory is short.
constexpr uint32_t wanted_slots = 256;
constexpr uint32_t fewest_slots = 16;

void start_network() {
    network_info = *physical_to_kernel<const abi::NetworkInfo>(network_info_physical);
    MonitorLink& link = link_storage.construct();
    for (uint32_t slots = wanted_slots; slots >= fewest_slots; slots /= 2) {
        size_t size = HvtNetDevice::memory_size(slots, slots);
        size_t frames = align_up(size, abi::page_size) / abi::page_size;
        auto memory = frame_allocator().allocate_contiguous(frames, Zeroed::Yes);
        if (memory.is_error())
            continue;
        PhysicalAddress physical = memory.value();
        void* rings = frame_allocator().to_virtual(physical);
        auto& device =
            net_device_storage.construct(link, network_info, rings, physical, slots, slots);
        if (auto started = device.start(); started.is_error()) {
            klog("the monitor refused the network rings (errno %d): no network",
                 static_cast<int>(started.error().code()));
            frame_allocator().free_contiguous(physical, frames);
            return;
        }
        network = &device;
        return;
    }
    klog("no memory for the network rings: no network");
}

} // namespace

void initialize(const abi::BootInfo& boot_info) {
    for (int i = 0; i < 3; ++i)
        streams[i] = boot_info.streams[i];
    guest_info_physical = boot_info.guest_info;
    network_info_physical = boot_info.network_info;
    volume_table_physical = boot_info.volumes;
}

void start_devices() {
    if (network_info_physical)
        start_network();
    if (volume_table_physical)
        start_volumes(*physical_to_kernel<const abi::VolumeTable>(volume_table_physical));
}

volatile uint64_t* host_signals(uint64_t program_load_bias) {
    if (!guest_info_physical)
        return nullptr;
    auto& info = *physical_to_kernel<abi::GuestInfo>(guest_info_physical);
    info = {abi::guest_info_magic, program_load_bias, 0, 0, 0, 0, 0};
    enable_events(info);
    return &info.pending_host_signals;
}

ErrorOr<size_t> console_write(abi::ConsoleStream stream, const void* data, size_t length) {
    size_t done = 0;
    while (done < length) {
        size_t chunk = min(length - done, sizeof console_bounce);
        memcpy(console_bounce, static_cast<const char*>(data) + done, chunk);
        abi::ConsoleWriteArgs arguments{};
        arguments.stream = static_cast<uint32_t>(stream);
        arguments.data = kernel_to_physical(console_bounce);
        arguments.length = chunk;
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
    arguments.data = kernel_to_physical(console_bounce);
    arguments.length = min(length, sizeof console_bounce);
    hypercall(abi::Hypercall::ConsoleRead, arguments);
    if (arguments.result < 0)
        return static_cast<Errno>(-arguments.result);
    memcpy(data, console_bounce, static_cast<size_t>(arguments.result));
    return static_cast<size_t>(arguments.result);
}

uint64_t wait_for_events(uint64_t interest, uint64_t timeout_ns) {
    abi::PollArgs arguments{};
    arguments.timeout_ns = timeout_ns;
    arguments.interest = interest;
    hypercall(abi::Hypercall::Poll, arguments);
    if (network && (interest & abi::poll_event_net))
        network->note_refilled();
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

// The monitor flushes for the vCPU (KVM_SET_SREGS): needed only in ring 3, where the kernel
// cannot (arch/x86_64/cpu_tlb.h).
void flush_tlb() {
    abi::TlbFlushArgs arguments{};
    hypercall(abi::Hypercall::TlbFlush, arguments);
}

abi::StreamKind stream_kind(int fd) {
    if (fd < 0 || fd > 2)
        return abi::StreamKind::Null;
    return streams[fd];
}

net::NetDevice* net_device() {
    return network;
}

net::InterfaceConfig net_config() {
    if (!network)
        return {};
    net::InterfaceConfig config;
    config.address = {network_info.address};
    config.prefix_length = network_info.prefix_length;
    config.gateway = {network_info.gateway};
    config.dns = {network_info.dns};
    config.use_dhcp = network_info.flags & abi::network_flag_dhcp;
    memcpy(config.address6.bytes, network_info.address6, sizeof config.address6.bytes);
    memcpy(config.gateway6.bytes, network_info.gateway6, sizeof config.gateway6.bytes);
    config.prefix_length6 = network_info.prefix_length6;
    return config;
}

INGOT_COMPONENT(abi::component_hvt);

INGOT_PLATFORM_OPERATIONS(dispatch_event)

} // namespace kernel::hvt
