// The pvh platform: standard PC hardware. The console is COM1 or a virtio-console port
// (pvh_console.cpp), time comes from the TSC with the local APIC timer for wake-ups and time
// slices, and the exit status leaves through QEMU's isa-debug-exit or, elsewhere, a
// keyboard-controller reset.
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/port_io.h"
#include "components/component.h"
#include "drivers/pc/io_apic.h"
#include "drivers/pc/local_apic.h"
#include "drivers/pc/serial_port.h"
#include "drivers/pci/config_space.h"
#include "drivers/probe.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "linux/entropy.h"
#include "platform/platform_interface.h"
#include "platform/pvh/pvh_console.h"
#include "platform/pvh/pvh_interrupts.h"
#include "platform/pvh/pvh_state.h"
#include "platform/pvh/pvh_volumes.h"
#include "time/clock.h"

#include <ingot/abi/exit_status.h>
#include <ingot/abi/pvh_console.h>

namespace kernel::pvh {

namespace {

constexpr uint8_t serial_irq = 4;
constexpr uint64_t time_slice_ns = 5000000;

BootDetails boot_details;
abi::StreamKind streams[3];

} // namespace

void set_boot_details(const BootDetails& details) {
    boot_details = details;
}

const BootDetails& details() {
    return boot_details;
}

volatile uint64_t* host_signals(uint64_t program_load_bias) {
    remember_program_load_bias(program_load_bias);
    return &pending_host_signals();
}

void arm_time_slice() {
    uint64_t deadline = cpu::read_tsc() + clock::ns_to_tsc(time_slice_ns);
    pc::local_apic::arm_timer(deadline);
}

void initialize(const abi::BootInfo& boot_info) {
    for (int i = 0; i < 3; ++i)
        streams[i] = boot_info.streams[i];
    pc::local_apic::initialize(boot_info.tsc_khz);
    pc::io_apic::initialize();
    if (auto* serial = serial_port()) {
        pc::io_apic::route(serial_irq, serial_vector);
        serial->enable_receive_interrupt(true);
    }
    arm_time_slice();
    if (boot_info.flags & abi::boot_flag_boot_trace)
        klog("boot: pvh, TSC %llu kHz from %s, %s timer, %llu MiB of RAM, console %s",
             static_cast<unsigned long long>(boot_info.tsc_khz), boot_details.tsc_source,
             pc::local_apic::mode(), static_cast<unsigned long long>(boot_info.memory_size >> 20),
             console_name());
}

void acknowledge_net_interrupt() {
    if (auto* device = drivers::net_device())
        device->acknowledge_interrupt();
}

// The CPU sleeps in hlt with interrupts on until the timer (armed for the deadline, or sooner
// to poll a virtio-console port), the serial port or the net device wakes it; the scheduler
// asks again if nothing it waits for happened. An interrupt that comes while the kernel runs
// (interrupts off) stays pending and ends the hlt at once.
uint64_t wait_for_events(uint64_t interest, uint64_t timeout_ns) {
    auto ready_events = [interest] {
        uint64_t events = 0;
        if ((interest & abi::poll_event_stdin) && console_input_ready())
            events |= abi::poll_event_stdin;
        auto* net = drivers::net_device();
        if ((interest & abi::poll_event_net) && net && net->has_received())
            events |= abi::poll_event_net;
        return events;
    };
    receive_console_input();
    if (ready_events() || pending_host_signals() || timeout_ns == 0)
        return ready_events();
    if (console_is_polled())
        timeout_ns = min(timeout_ns, console_poll_interval_ns());
    pc::local_apic::arm_timer(
        timeout_ns == UINT64_MAX ? UINT64_MAX : cpu::read_tsc() + clock::ns_to_tsc(timeout_ns));
    asm volatile("sti; hlt; cli" ::: "memory");
    receive_console_input();
    arm_time_slice();
    return ready_events();
}

void exit(int status) {
    finish_console(status);
    // QEMU's isa-debug-exit: QEMU exits with (status << 1) | 1.
    port_io::outl(abi::pvh_console::debug_exit_port, static_cast<uint32_t>(status));
    // Elsewhere (Firecracker): a reset through the keyboard controller ends the VM.
    port_io::outb(0x64, 0xfe);
    for (;;)
        asm volatile("cli; hlt");
}

void crash(const abi::CrashArgs& crash) {
    report_program_crash(crash);
    exit(ingot::abi::exit_killed_by(static_cast<int>(crash.signal)));
}

namespace {

void seed_from(virtio::EntropyDevice& rng, bool report) {
    uint8_t seed[32];
    if (auto result = rng.read(seed, sizeof seed); result.is_error()) {
        klog("virtio-rng gave no entropy (%s)", errno_name(result.error().code()));
        return;
    }
    mix_random(seed);
    if (report)
        klog("boot: %zu bytes of entropy from virtio-rng mixed in", sizeof seed);
}

// Without its interrupt the device still works, polled at the scheduler's ticks.
void start_net_interrupts(bool report) {
    auto line = drivers::net_device_interrupt();
    if (!line.present)
        return;
    if (line.message_signalled) {
        if (auto routed = drivers::route_net_device_message(net_vector); routed.is_error()) {
            klog("virtio-net: its MSI-X vector was refused (%s); polled instead",
                 errno_name(routed.error().code()));
            return;
        }
        if (report)
            klog("boot: virtio-net interrupt: MSI-X vector 0x%x", net_vector);
        return;
    }
    auto trigger = line.level_triggered ? pc::io_apic::Trigger::Level : pc::io_apic::Trigger::Edge;
    if (!pc::io_apic::route_gsi(line.gsi, net_vector, trigger)) {
        klog("virtio-net: no I/O APIC input for its interrupt (GSI %u); polled instead", line.gsi);
        return;
    }
    if (report)
        klog("boot: virtio-net interrupt: GSI %u, %s-triggered", line.gsi,
             line.level_triggered ? "level" : "edge");
}

void log_rejected_options(const CommandLine& command_line) {
    size_t kept = min(command_line.rejected_option_count, max_rejected_options);
    for (size_t i = 0; i < kept; ++i) {
        const auto& option = command_line.rejected_options[i];
        char text[96];
        size_t length = min(option.length, sizeof text - 1);
        memcpy(text, option.text, length);
        text[length] = 0;
        klog("ignoring malformed option '%s'", text);
    }
    if (command_line.rejected_option_count > kept)
        klog("ignoring %zu more malformed options", command_line.rejected_option_count - kept);
}

} // namespace

void start_devices() {
    log_rejected_options(boot_details.command_line);
    drivers::DeviceHints hints;
    const auto& command_line = boot_details.command_line;
    for (size_t i = 0; i < command_line.virtio_mmio_device_count; ++i) {
        const auto& token = command_line.virtio_mmio_devices[i];
        if (!hints.add_virtio_mmio_token(token.text, token.length))
            klog("more than %zu virtio-mmio devices: the rest are ignored", i);
    }
    // No host bridge answers on microvm, whose devices sit in fixed virtio-mmio slots instead.
    bool has_pci = pci::read16({0, 0, 0}, 0) != 0xffff;
    hints.scan_pci = has_pci;
    hints.probe_microvm_slots = !has_pci;
    hints.report_devices = boot_details.command_line.boot_flags & abi::boot_flag_boot_trace;
    if (command_line.virtio_console)
        hints.console_port = abi::pvh_console::virtio_console_port;
    drivers::probe(hints);
    if (auto* rng = drivers::entropy_device())
        seed_from(*rng, hints.report_devices);
    if (drivers::net_device())
        start_net_interrupts(hints.report_devices);
    start_device_console(hints.report_devices);
    find_volumes(command_line);
}

// The kernel runs in ring 0 here.
void flush_tlb() {
    cpu::flush_tlb();
}

abi::StreamKind stream_kind(int fd) {
    if (fd < 0 || fd > 2)
        return abi::StreamKind::Null;
    return streams[fd];
}

net::NetDevice* net_device() {
    return drivers::net_device();
}

net::InterfaceConfig net_config() {
    return boot_details.command_line.network;
}

INGOT_COMPONENT(abi::component_pvh);

INGOT_PLATFORM_OPERATIONS(dispatch_interrupt)

} // namespace kernel::pvh
