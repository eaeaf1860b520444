// The Ingot monitor (platform hvt): runs one image on /dev/kvm until the program exits.
#pragma once

#include "image/image.h"
#include "net/network_attachment.h"
#include "sandbox/monitor_sandbox.h"
#include "vmm/payload_region.h"
#include "vmm/volume/volume_spec.h"

#include <ingot/abi/identity.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ingot {

struct RunOptions {
    std::vector<std::string> arguments;   // replaces the image's argv when not empty
    std::vector<std::string> environment; // overrides or extends the image's
    std::optional<uint64_t> memory_size;
    bool trace_syscalls = false;
    bool boot_trace = false;
    bool print_stats = false;
    // How long the program may take to exit after the first SIGINT or SIGTERM before the VM is
    // stopped; none waits for it.
    std::optional<std::chrono::seconds> stop_timeout = std::chrono::seconds(10);
    bool raw_console = false; // the guest's output to a terminal unescaped
    // The guest's network device (the tap stays the caller's to close), or none.
    std::optional<NetworkAttachment> network;
    // --hostname and --dns (BootInfo::identity), or none: the kernel's defaults.
    std::optional<abi::Identity> identity;
    // Host directories the guest mounts (-v), served by the monitor over 9P.
    std::vector<VolumeSpec> volumes;
    // What the monitor gives up before the guest's first instruction.
    SandboxPlan sandbox;
    // A mapped image file lends the guest its payload's pages; anything else is copied.
    ImageBacking image_backing = ImageBacking::Memory;
};

// Returns the program's exit status (128 + signal when it crashed).
int run_on_kvm(const Image& image, const RunOptions& options);

} // namespace ingot
