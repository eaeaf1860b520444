// The pvh kernel command line (include/ingot/abi/pvh_console.h): ingot.* options, the
// program's arguments after `--`, and the virtio-mmio devices the VMM appends.
#pragma once

#include "lib/error_or.h"
#include "net/address.h"

#include <ingot/abi/boot_info.h>
#include <ingot/abi/identity.h>
#include <ingot/abi/volumes.h>

#include <stddef.h>
#include <stdint.h>

namespace kernel::pvh {

// A token as written on the command line, not NUL-terminated.
struct TextSpan {
    const char* text;
    size_t length;
};

inline constexpr size_t max_virtio_mmio_devices = 32;
inline constexpr size_t max_rejected_options = 8;

// `ingot.volume=INDEX:ro|rw:GUESTDIR`: the virtio-9p device with mount tag "ingotINDEX" is
// mounted on GUESTDIR (absolute, decoded).
struct VolumeOption {
    uint32_t index;
    bool read_only;
    char path[abi::volume_path_capacity];
    size_t path_length;
};

struct CommandLine {
    // The parsed text, which the spans below and encode_run_time_arguments() read: keep it
    // alive (and out of the frame allocator's reach) while they are used.
    const char* text = nullptr;
    size_t length = 0;

    bool framed_console = false;
    // `ingot.console=virtio`: the framed stream over a virtio-console port when there is one.
    bool virtio_console = false;
    // Booted by hand, COM1 is someone's terminal.
    abi::StreamKind streams[3] = {abi::StreamKind::Terminal, abi::StreamKind::Terminal,
                                  abi::StreamKind::Terminal};
    uint32_t boot_flags = 0; // abi::boot_flag_*

    // The network interface: `ingot.ip=10.0.2.15/24 ingot.gw=10.0.2.1 ingot.dns=10.0.2.3`,
    // `ingot.dhcp`, `ingot.ip6=2001:db8::15/64 ingot.gw6=fe80::1`. Each option is taken or
    // rejected whole.
    net::InterfaceConfig network;

    // `ingot.hostname=NAME`, `ingot.nameserver=ADDR` (one per server): what BootInfo::identity
    // carries on hvt. Its magic is set once either option is taken.
    abi::Identity identity{};

    // Options recognized but with a value that makes no sense, for the boot log (the first
    // max_rejected_options of them; rejected_option_count counts them all).
    size_t rejected_option_count = 0;
    TextSpan rejected_options[max_rejected_options];

    size_t volume_count = 0;
    VolumeOption volumes[abi::max_volumes];

    // Whole `virtio_mmio.device=SIZE@BASE:IRQ` tokens, wherever they stand.
    size_t virtio_mmio_device_count = 0;
    TextSpan virtio_mmio_devices[max_virtio_mmio_devices];
};

// Malformed and unknown options are ignored, so that a typo cannot stop a boot; E2BIG when
// there are more than max_virtio_mmio_devices devices, since one cannot be left out silently.
ErrorOr<void> parse_command_line(const char* text, size_t length, CommandLine& command_line);

// The run-time arguments as `ingot run` hands them over on hvt (abi::ArgumentsHeader, then
// strings), for apply_run_time_arguments(): if there are arguments after `--`,
// `program_name` (the image's argv[0]) and them; then every ingot.env variable. Returns the size
// written; E2BIG when that exceeds `capacity` or there are more than max_arguments strings.
ErrorOr<size_t> encode_run_time_arguments(const CommandLine& command_line, const char* program_name,
                                          uint8_t* buffer, size_t capacity);

} // namespace kernel::pvh
