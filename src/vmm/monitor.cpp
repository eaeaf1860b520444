#include "vmm/monitor.h"

#include "image/program_check.h"
#include "launch/launch_arguments.h"
#include "launch/start_notice.h"
#include "support/error.h"
#include "support/size.h"
#include "vmm/boot_setup.h"
#include "vmm/crash_report.h"
#include "vmm/fault.h"
#include "vmm/guest_events.h"
#include "vmm/guest_memory.h"
#include "vmm/guest_page_walker.h"
#include "vmm/host_signals.h"
#include "vmm/hypercalls.h"
#include "vmm/kvm.h"
#include "vmm/net_device.h"
#include "vmm/payload_region.h"
#include "vmm/volume/volume_device.h"

#include <fmt/format.h>
#include <ingot/abi/exit_status.h>
#include <ingot/abi/memory_layout.h>
#include <ingot/signal_names.h>

#include <cstring>
#include <ctime>

namespace ingot {

namespace {

// Posts host signals for the program into GuestInfo; false when the guest cannot take them yet.
bool post_host_signals(GuestMemory& memory, const BootLayout& layout, uint64_t signals) {
    auto info = memory.read<abi::GuestInfo>(layout.guest_info);
    if (!info || info->magic != abi::guest_info_magic)
        return false;
    info->pending_host_signals |= signals;
    return memory.write(layout.guest_info, *info);
}

double seconds_since(const timespec& start) {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<double>(now.tv_sec - start.tv_sec) +
           static_cast<double>(now.tv_nsec - start.tv_nsec) / 1e9;
}

uint64_t program_bias(GuestMemory& memory, const BootLayout& layout) {
    auto info = memory.read<abi::GuestInfo>(layout.guest_info);
    if (!info || info->magic != abi::guest_info_magic ||
        info->program_load_bias >= abi::user_space_end)
        return 0;
    return info->program_load_bias;
}

FaultFacts fault_facts(Vcpu& vcpu, const kvm_regs& registers, const kvm_sregs& sregs,
                       GuestMemory& memory, bool emulation_failure) {
    FaultFacts facts;
    facts.emulation_failure = emulation_failure;
    facts.cr2 = sregs.cr2;
    facts.rsp = registers.rsp;
    kvm_vcpu_events events = vcpu.events();
    if (events.exception.injected || events.exception.pending || events.exception.nr ||
        events.exception.has_error_code) {
        facts.vector = events.exception.nr;
        facts.error_code = events.exception.error_code;
    }
    std::array<uint8_t, 4> instruction;
    if (GuestPageWalker(memory, sregs.cr3)
            .read(registers.rip, instruction.data(), instruction.size()))
        facts.instruction = instruction;
    return facts;
}

} // namespace

int run_on_kvm(const LaunchPlan& plan, const Image& image, ImageBacking backing,
               const std::optional<NetworkAttachment>& network_attachment) {
    timespec started;
    clock_gettime(CLOCK_MONOTONIC, &started);
    const HvtPlan& hvt = std::get<HvtPlan>(plan.platform);

    std::vector<uint8_t> arguments = encode_run_time_arguments(
        run_time_arguments(image.manifest, plan.arguments, plan.environment));
    uint64_t memory_size = plan.memory_size;

    VirtualMachine vm;
    GuestMemory memory(memory_size);
    vm.add_memory(0, 0, memory_size, memory.host_base());
    PayloadRegion payload(image, backing);
    vm.add_read_only_memory(1, abi::payload_region_physical, payload.bytes().size(),
                            payload.bytes().data());
    memory.add_read_only(abi::payload_region_physical, payload.bytes());
    BootLayout layout = plan_boot_layout(image, memory_size, arguments.size());
    load_image(image, memory);
    build_page_tables(layout, memory, payload.bytes().size());
    Vcpu vcpu = vm.create_vcpu();
    uint32_t flags = (plan.trace_syscalls ? abi::boot_flag_trace_syscalls : 0) |
                     (plan.boot_trace ? abi::boot_flag_boot_trace : 0) |
                     (plan.syscall_traps ? abi::boot_flag_syscall_traps : 0);
    auto boot_info = make_boot_info(layout, memory_size, vcpu.tsc_khz(), arguments, flags);
    std::optional<NetDevice> network;
    if (network_attachment) {
        network.emplace(memory, *network_attachment);
        if (!memory.write(layout.network_info, network->network_info()))
            fail("guest memory is too small for the network information");
        boot_info.network_info = layout.network_info;
    }
    if (plan.identity) {
        if (!memory.write(layout.identity, *plan.identity))
            fail("guest memory is too small for the machine's identity");
        boot_info.identity = layout.identity;
    }
    std::optional<VolumeDevice> volumes;
    if (!plan.volumes.empty()) {
        volumes.emplace(memory, plan.volumes);
        if (!memory.write(layout.volume_table, volumes->table()))
            fail("guest memory is too small for the volume table");
        boot_info.volumes = layout.volume_table;
    }
    write_boot_info(layout, memory, boot_info, arguments);
    configure_vcpu(vm, vcpu, layout, image, memory, guest_runs_in_ring3());
    // The tick's signal is blocked first, so that the waits host signals may interrupt (the
    // Poll hypercall's ppoll) keep it blocked: only KVM_RUN lets it through.
    GuestEvents events(memory, layout.guest_info);
    HostSignals host_signals(plan.stop_timeout);
    vcpu.set_signal_mask(events.run_mask(host_signals.waiting_mask()));

    HypercallHandler hypercalls(memory, &host_signals.waiting_mask(), host_signals.arrived());
    if (network)
        hypercalls.attach_network(&*network);
    if (volumes)
        hypercalls.attach_volumes(&*volumes);
    if (plan.raw_console)
        hypercalls.use_raw_console();
    events.start_ticks();
    // From here on the guest runs: the monitor gives up what set-up needed (docs/design.md).
    vm.close_set_up_handles();
    notify_guest_started();
    seal_vcpu_thread(hvt.sandbox);
    uint64_t exits = 0;
    int status = 0;
    bool interrupted = false;
    for (;;) {
        // Before every entry: a signal may have arrived during the last run or hypercall.
        if (auto stop = host_signals.take(
                [&](uint64_t signals) { return post_host_signals(memory, layout, signals); })) {
            status = *stop;
            break;
        }
        if (interrupted)
            events.interrupted(vcpu);
        interrupted = !vcpu.run();
        ++exits;
        if (interrupted)
            continue;
        kvm_run& run = vcpu.state();
        if (run.exit_reason == KVM_EXIT_MMIO && run.mmio.is_write && run.mmio.len == 8 &&
            run.mmio.phys_addr >= abi::hypercall_window_physical &&
            run.mmio.phys_addr < abi::hypercall_window_physical + abi::hypercall_window_size) {
            uint64_t value;
            std::memcpy(&value, run.mmio.data, sizeof value);
            HypercallOutcome outcome;
            try {
                outcome =
                    hypercalls.handle(run.mmio.phys_addr - abi::hypercall_window_physical, value);
            } catch (const GuestFault& fault) {
                fmt::print(stderr, "ingot: the guest broke the hypercall ABI and was stopped: {}\n",
                           fault.what());
                status = abi::exit_ingot_failed;
                break;
            }
            if (outcome.kind == HypercallOutcome::Kind::Continue)
                continue;
            if (outcome.kind == HypercallOutcome::Kind::FlushTlb) {
                vcpu.flush_tlb();
                continue;
            }
            status = outcome.status;
            if (outcome.kind == HypercallOutcome::Kind::Crash) {
                const auto& c = outcome.crash;
                kvm_regs registers{};
                registers.rip = c.rip;
                registers.rsp = c.rsp;
                registers.rbp = c.rbp;
                registers.rax = c.rax;
                registers.rbx = c.rbx;
                registers.rcx = c.rcx;
                registers.rdx = c.rdx;
                registers.rsi = c.rsi;
                registers.rdi = c.rdi;
                registers.r8 = c.r8;
                registers.r9 = c.r9;
                registers.r10 = c.r10;
                registers.r11 = c.r11;
                registers.r12 = c.r12;
                registers.r13 = c.r13;
                registers.r14 = c.r14;
                registers.r15 = c.r15;
                CrashScene scene{
                    fmt::format("{} ({})", signal_description(static_cast<int>(c.signal)),
                                signal_name(static_cast<int>(c.signal)).text),
                    registers, vcpu.special_registers().cr3, program_bias(memory, layout)};
                print_crash_report(scene, image, memory);
            }
            break;
        }
        if (run.exit_reason == KVM_EXIT_SHUTDOWN || run.exit_reason == KVM_EXIT_INTERNAL_ERROR) {
            kvm_regs registers = vcpu.registers();
            kvm_sregs sregs = vcpu.special_registers();
            FaultFacts facts = fault_facts(vcpu, registers, sregs, memory,
                                           run.exit_reason == KVM_EXIT_INTERNAL_ERROR);
            FaultVerdict verdict = classify_fault(facts);
            if (events.deliver_fault(vcpu, registers, sregs, facts, verdict))
                continue;
            // A fault in the kernel is the guest's failure, not the program's: status 125, as
            // on pvh.
            bool in_kernel = registers.rip >= abi::user_space_end;
            CrashScene scene{
                fmt::format("{}: {}", signal_description(verdict.signal), verdict.description),
                registers, sregs.cr3, program_bias(memory, layout), in_kernel};
            print_crash_report(scene, image, memory);
            status = in_kernel ? abi::exit_ingot_failed : abi::exit_killed_by(verdict.signal);
            break;
        }
        kvm_regs registers = vcpu.registers();
        fmt::print(stderr,
                   "ingot: the guest stopped unexpectedly (KVM exit reason {}) at rip {:#x}\n",
                   run.exit_reason, registers.rip);
        status = abi::exit_ingot_failed;
        break;
    }
    if (hvt.print_stats) {
        std::string network_figures;
        if (network) {
            const NetStatistics& net = network->statistics();
            network_figures =
                fmt::format(" net_kicks={} net_tx_frames={} net_tx_bytes={} net_tx_drops={} "
                            "net_tx_segments={} net_rx_frames={} net_rx_bytes={} net_rx_drops={} "
                            "net_rx_coalesced={}",
                            net.kicks, net.transmitted_frames, net.transmitted_bytes,
                            net.transmit_drops, net.transmitted_segments, net.received_frames,
                            net.received_bytes, net.receive_drops, net.received_coalesced);
        }
        if (volumes)
            network_figures += fmt::format(" volume_requests={}", volumes->requests());
        fmt::print(stderr,
                   "ingot-stats: exits={} hypercalls={} console_writes={} polls={} events={} "
                   "wall_ms={:.3f}{}\n",
                   exits, hypercalls.total(), hypercalls.count(abi::Hypercall::ConsoleWrite),
                   hypercalls.count(abi::Hypercall::Poll), events.delivered(),
                   seconds_since(started) * 1e3, network_figures);
    }
    return status;
}

} // namespace ingot
