#include "qemu/qemu_command.h"

#include "qemu/machine_types.h"

#include <fmt/format.h>
#include <ingot/abi/pvh_console.h>

namespace ingot {

namespace {

// QEMU's option syntax separates properties with commas: a comma in a value is doubled.
std::string option_value(const std::string& text) {
    std::string escaped;
    for (char c : text) {
        escaped += c;
        if (c == ',')
            escaped += ',';
    }
    return escaped;
}

} // namespace

std::string user_netdev(const std::vector<PortMapping>& published) {
    // The addresses libslirp gets on hvt (src/net/user_network.cpp), so the guest sees one
    // network on both platforms; restrict=off (the default, said here) lets it reach out.
    std::string netdev = fmt::format(
        "user,id=net0,net={}/{},host={},dhcpstart={},dns={},ipv6=off,restrict=off",
        format_ipv4(user_network_address), default_prefix_length, format_ipv4(user_gateway_address),
        format_ipv4(default_guest_address), format_ipv4(user_dns_address));
    for (const PortMapping& mapping : published)
        netdev += fmt::format(",hostfwd={}:{}:{}-{}:{}",
                              mapping.protocol == TransportProtocol::Udp ? "udp" : "tcp",
                              format_ipv4(mapping.host_address), mapping.host_port,
                              format_ipv4(default_guest_address), mapping.guest_port);
    return netdev;
}

std::string volume_mount_tag(size_t index) {
    return fmt::format("ingot{}", index);
}

std::vector<std::string> qemu_command(const QemuLaunch& launch) {
    bool microvm = is_microvm(launch.machine);
    std::vector<std::string> command = {
        launch.qemu, "-machine", launch.machine, "-accel", accelerator_name(launch.accelerator),
        // TCG's default CPU model lacks features a modern static program expects (RDRAND,
        // SSE4); "max" offers everything TCG emulates, "host" everything the CPU has.
        "-cpu", launch.accelerator == Accelerator::Kvm ? "host" : "max", "-m",
        fmt::format("{}M", launch.memory_mib),
        // Nothing but what is asked for below: no NIC, no VGA, no monitor, no user config.
        "-nodefaults", "-no-user-config", "-no-reboot", "-display", "none",
        // COM1 on QEMU's stdin and stdout, which are ingot's pipes.
        "-serial", "stdio", "-device",
        fmt::format("isa-debug-exit,iobase={:#x},iosize=4", abi::pvh_console::debug_exit_port)};
    if (microvm) {
        // Modern virtio-mmio (version 2), the only kind the kernel drives.
        command.insert(command.end(), {"-global", "virtio-mmio.force-legacy=false"});
    }
    if (launch.console_fd >= 0) {
        // A virtserialport, not a virtconsole: QEMU holds a virtconsole's output it cannot
        // write at once nowhere and drops it, but stops taking a virtserialport's buffers
        // until the socket takes more, which holds the guest back instead. It cannot be port
        // 0, which QEMU keeps for virtconsole, so the guest drives the multiport protocol.
        uint32_t port = abi::pvh_console::virtio_console_port;
        command.insert(
            command.end(),
            {"-chardev", fmt::format("socket,id=console,fd={}", launch.console_fd), "-device",
             fmt::format("{},max_ports={}", microvm ? "virtio-serial-device" : "virtio-serial-pci",
                         port + 1),
             "-device",
             fmt::format("virtserialport,chardev=console,nr={},name=ingot.console", port)});
    }
    // An entropy source, so the guest need not trust its clock for getrandom().
    command.insert(command.end(), {"-device", microvm ? "virtio-rng-device" : "virtio-rng-pci"});
    if (launch.network) {
        const auto& mac = launch.network->mac;
        // The tap carries virtio-net headers (IFF_VNET_HDR), which QEMU passes through, so
        // the guest's checksum offload reaches the host. vhost-net would need /dev/vhost-net
        // and brings nothing under TCG. On the user-mode network QEMU offers the guest no
        // checksum offload (slirp's peer has no virtio-net header) and completes none.
        command.insert(
            command.end(),
            {"-netdev",
             launch.network->tap_fd < 0
                 ? user_netdev(launch.network->published)
                 : fmt::format("tap,id=net0,fd={},vhost=off", launch.network->tap_fd),
             "-device",
             fmt::format("{},netdev=net0,mac={:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}{}",
                         microvm ? "virtio-net-device" : "virtio-net-pci", mac[0], mac[1], mac[2],
                         mac[3], mac[4], mac[5],
                         // No network boot: the guest boots through PVH, the ROM only costs.
                         microvm ? "" : ",romfile=")});
    }
    for (size_t i = 0; i < launch.volumes.size(); ++i) {
        const VolumeSpec& volume = launch.volumes[i];
        // security_model=none: files are created as QEMU's user, with the modes asked, as the
        // hvt monitor does; readonly=on makes QEMU refuse every change too.
        command.insert(
            command.end(),
            {"-fsdev",
             fmt::format("local,id=volume{},path={},security_model=none{}", i,
                         option_value(volume.host), volume.read_only ? ",readonly=on" : ""),
             "-device",
             fmt::format("{},fsdev=volume{},mount_tag={}",
                         microvm ? "virtio-9p-device" : "virtio-9p-pci", i, volume_mount_tag(i))});
    }
    command.insert(command.end(),
                   {"-kernel", launch.kernel, "-append", launch.kernel_command_line});
    return command;
}

} // namespace ingot
