// `ingot run --platform qemu`: boots an image on QEMU through its PVH entry, relays the
// program's console, and returns the program's exit status.
#pragma once

#include "image/image.h"
#include "net/network_attachment.h"
#include "vmm/volume/volume_spec.h"

#include <ingot/abi/identity.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ingot {

struct QemuRunOptions {
    std::string qemu;                     // --qemu, or empty to look for it
    std::string machine;                  // --qemu-machine
    std::string accelerator;              // --accel: kvm, tcg, or empty to choose
    std::vector<std::string> arguments;   // replaces the image's argv[1..] when not empty
    std::vector<std::string> environment; // overrides or extends the image's
    std::optional<uint64_t> memory_size;
    bool trace_syscalls = false;
    bool boot_trace = false;
    bool verbose = false; // say which accelerator and the QEMU command line
    // As RunOptions::stop_timeout: the grace after the first SIGINT or SIGTERM.
    std::optional<std::chrono::seconds> stop_timeout = std::chrono::seconds(10);
    // The guest's output to a terminal unescaped (--raw-console).
    bool raw_console = false;
    // The guest's NIC (virtio-net) on this tap, which stays open and ingot's; none without.
    std::optional<NetworkAttachment> network;
    // --hostname and --dns, or none: the kernel's defaults.
    std::optional<abi::Identity> identity;
    // Host directories QEMU serves to the guest over virtio-9p (-v).
    std::vector<VolumeSpec> volumes;
};

// `image_path` is the image's file, or empty when it exists only in memory (packed on the
// fly). Bad input (no PVH note, no QEMU, an unknown machine) throws UserError before QEMU
// starts.
int run_on_qemu(const Image& image, const std::string& image_path, const QemuRunOptions& options);

} // namespace ingot
