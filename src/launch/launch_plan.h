// One launch, resolved and checked once (resolve_launch.h), in one value every consumer takes:
// both platforms, and what stores a launch to start it later (launch_plan_json.h). Nothing
// here is checked again by a consumer; nothing a consumer needs is left to be worked out.
#pragma once

#include "net/network_options.h"
#include "qemu/accelerator.h"
#include "qemu/qemu_console.h"
#include "sandbox/monitor_sandbox.h"
#include "vmm/volume/volume_spec.h"

#include <ingot/abi/identity.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace ingot {

// Where the image comes from: its file, or the bytes `ingot run PROGRAM` packed in memory.
struct ImageSource {
    std::string path;            // empty when packed
    std::vector<uint8_t> packed; // the image itself when there is no file
    std::string name;            // what messages call it: the image or the program as given
    // abi::PayloadHeader::checksum of the image the plan was resolved against: a stored plan
    // refuses a file that changed since (launch_image.h).
    uint64_t checksum = 0;
};

// --platform hvt: Ingot's own monitor.
struct HvtPlan {
    bool print_stats = false; // --stats
    // What the monitor gives up before the guest's first instruction (monitor_sandbox.h).
    SandboxPlan sandbox;
};

// --platform qemu.
struct QemuPlan {
    std::string binary;  // the qemu-system-x86_64 found (--qemu, $INGOT_QEMU, the PATH)
    std::string machine; // --qemu-machine, checked; microvm by default
    Accelerator accelerator = Accelerator::Tcg;
    std::string accelerator_reason;            // why, for --verbose
    QemuConsole console = QemuConsole::Virtio; // --qemu-console
};

struct LaunchPlan {
    ImageSource image;
    std::variant<HvtPlan, QemuPlan> platform;
    // The program's whole argv, argv[0] (always the image's) first, and its whole environment:
    // the image's with the run's merged in (launch_arguments.h).
    std::vector<std::string> arguments;
    std::vector<std::string> environment;
    uint64_t memory_size = 0; // bytes, checked against the image
    uint64_t stack_size = 0;  // the image's: fixed when it is built
    // The grace after the first SIGINT or SIGTERM before the VM is stopped; none waits.
    std::optional<std::chrono::seconds> stop_timeout = std::chrono::seconds(10);
    bool raw_console = false; // the guest's output to a terminal unescaped
    bool trace_syscalls = false;
    bool syscall_traps = false; // every syscall traps: no site is rewritten into a call
    bool boot_trace = false;
    bool verbose = false; // say what ingot chose
    std::optional<NetworkPlan> network;
    std::optional<abi::Identity> identity; // --hostname, --dns
    std::vector<VolumeSpec> volumes;
    // --on-demand (on_demand.h): ingot listens on the published TCP ports and boots the VM at
    // the first connection; with idle_stop, it stops the VM once no connection was open for that
    // long, and boots it again at the next.
    bool on_demand = false;
    std::optional<std::chrono::milliseconds> idle_stop;

    const HvtPlan* hvt() const { return std::get_if<HvtPlan>(&platform); }
    const QemuPlan* qemu() const { return std::get_if<QemuPlan>(&platform); }
};

} // namespace ingot
