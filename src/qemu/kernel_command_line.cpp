#include "qemu/kernel_command_line.h"

#include "support/error.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <ingot/abi/pvh_console.h>

namespace ingot {

namespace {

char stream_letter(abi::StreamKind kind) {
    switch (kind) {
    case abi::StreamKind::Terminal:
        return 'T';
    case abi::StreamKind::Pipe:
        return 'P';
    case abi::StreamKind::File:
        return 'F';
    case abi::StreamKind::Null:
        break;
    }
    return 'N';
}

std::string ipv4_text(uint32_t address) {
    return fmt::format("{}.{}.{}.{}", address >> 24, (address >> 16) & 0xff, (address >> 8) & 0xff,
                       address & 0xff);
}

std::string ipv6_text(const std::array<uint8_t, 16>& address) {
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, address.data(), text, sizeof text);
    return text;
}

// The MAC is the device's own (QEMU's -device mac=), so it is not repeated here.
std::string network_options(const GuestNetworkConfig& network) {
    std::string options;
    if (network.address)
        options +=
            fmt::format(" ingot.ip={}/{}", ipv4_text(network.address), network.prefix_length);
    if (network.gateway)
        options += " ingot.gw=" + ipv4_text(network.gateway);
    if (network.dns)
        options += " ingot.dns=" + ipv4_text(network.dns);
    if (network.use_dhcp)
        options += " ingot.dhcp";
    if (network.address6 != std::array<uint8_t, 16>{})
        options +=
            fmt::format(" ingot.ip6={}/{}", ipv6_text(network.address6), network.prefix_length6);
    if (network.gateway6 != std::array<uint8_t, 16>{})
        options += " ingot.gw6=" + ipv6_text(network.gateway6);
    return options;
}

std::string identity_options(const abi::Identity& identity) {
    std::string options;
    if (identity.hostname[0])
        options += " ingot.hostname=" + encode_command_line_token(identity.hostname);
    for (size_t i = 0; i < identity.dns_count && i < abi::max_dns_servers; ++i)
        options += " ingot.nameserver=" + ipv4_text(identity.dns[i]);
    return options;
}

} // namespace

std::string encode_command_line_token(std::string_view token) {
    std::string encoded;
    encoded.reserve(token.size());
    for (char c : token) {
        auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == '%' || byte >= 0x7f)
            encoded += fmt::format("%{:02X}", byte);
        else
            encoded += c;
    }
    return encoded;
}

std::string kernel_command_line(const KernelCommandLineOptions& options) {
    std::string line = options.console == QemuConsole::Virtio
                           ? abi::pvh_console::virtio_console_option
                           : abi::pvh_console::framed_console_option;
    line += " ingot.streams=";
    for (abi::StreamKind kind : options.streams)
        line += stream_letter(kind);
    for (const std::string& variable : options.environment)
        line += " ingot.env=" + encode_command_line_token(variable);
    for (size_t i = 0; i < options.volumes.size(); ++i)
        line += fmt::format(" ingot.volume={}:{}:{}", i, options.volumes[i].read_only ? "ro" : "rw",
                            encode_command_line_token(options.volumes[i].guest));
    if (options.trace_syscalls)
        line += " ingot.trace=syscalls";
    if (options.syscall_traps)
        line += std::string(" ") + abi::pvh_console::syscall_traps_option;
    if (options.boot_trace)
        line += " ingot.boot_trace";
    if (options.network)
        line += network_options(*options.network);
    if (options.identity)
        line += identity_options(*options.identity);
    if (!options.arguments.empty()) {
        line += " --";
        for (const std::string& argument : options.arguments) {
            // An empty token is no token at all: the grammar has no way to spell "".
            if (argument.empty())
                fail("an empty argument cannot be passed on the kernel command line of "
                     "--platform qemu; build it into the image instead");
            line += ' ' + encode_command_line_token(argument);
        }
    }
    return line;
}

} // namespace ingot
