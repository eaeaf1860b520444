#include "launch/launch_plan_json.h"

#include "image/manifest.h"
#include "net/address_text.h"
#include "support/base64.h"
#include "support/error.h"

#include <ingot/abi/memory_layout.h>
#include <ingot/abi/volumes.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <limits>

namespace ingot {

using nlohmann::json;

namespace {

[[noreturn]] void malformed(const std::string& where, std::string_view what) {
    fail("the launch plan is malformed: {} {}", where, what);
}

// Each reader names the field by its path ("network.guest.mac") when it fails.
const json& field(const json& object, const std::string& where, const char* key) {
    std::string path = where.empty() ? key : where + "." + key;
    if (!object.is_object())
        malformed(where.empty() ? "the document" : where, "is not an object");
    auto found = object.find(key);
    if (found == object.end())
        malformed(path, "is missing");
    return *found;
}

std::string path_of(const std::string& where, const char* key) {
    return where.empty() ? key : where + "." + key;
}

std::string read_string(const json& object, const std::string& where, const char* key) {
    const json& value = field(object, where, key);
    if (!value.is_string())
        malformed(path_of(where, key), "is not a string");
    return value.get<std::string>();
}

bool read_bool(const json& object, const std::string& where, const char* key) {
    const json& value = field(object, where, key);
    if (!value.is_boolean())
        malformed(path_of(where, key), "is not true or false");
    return value.get<bool>();
}

uint64_t read_number(const json& object, const std::string& where, const char* key,
                     uint64_t maximum = std::numeric_limits<uint64_t>::max()) {
    const json& value = field(object, where, key);
    if (!value.is_number_unsigned() || value.get<uint64_t>() > maximum)
        malformed(path_of(where, key), fmt::format("is not a whole number up to {}", maximum));
    return value.get<uint64_t>();
}

std::vector<std::string> read_strings(const json& object, const std::string& where,
                                      const char* key) {
    const json& value = field(object, where, key);
    if (!value.is_array())
        malformed(path_of(where, key), "is not a list");
    std::vector<std::string> strings;
    for (const json& item : value) {
        if (!item.is_string())
            malformed(path_of(where, key), "holds something other than strings");
        strings.push_back(item.get<std::string>());
    }
    return strings;
}

uint32_t read_ipv4(const json& object, const std::string& where, const char* key) {
    std::string text = read_string(object, where, key);
    std::optional<uint32_t> address = parse_ipv4(text);
    if (!address)
        malformed(path_of(where, key), fmt::format("'{}' is not an IPv4 address", text));
    return *address;
}

// Null, or what `read` makes of the object.
template <typename Read>
auto read_optional(const json& object, const std::string& where, const char* key, Read read)
    -> std::optional<decltype(read(object, std::string()))> {
    const json& value = field(object, where, key);
    if (value.is_null())
        return std::nullopt;
    return read(value, path_of(where, key));
}

json image_json(const ImageSource& image) {
    json document = {{"name", image.name}, {"checksum", image.checksum}};
    if (image.path.empty())
        document["packed"] = encode_base64(image.packed);
    else
        document["path"] = image.path;
    return document;
}

ImageSource read_image_source(const json& document, const std::string& where) {
    ImageSource image;
    image.name = read_string(document, where, "name");
    image.checksum = read_number(document, where, "checksum");
    bool has_path = document.contains("path"), has_packed = document.contains("packed");
    if (has_path == has_packed)
        malformed(where, "names neither a path nor packed bytes, or both");
    if (has_path) {
        image.path = read_string(document, where, "path");
        if (image.path.empty() || image.path.front() != '/')
            malformed(where + ".path", "is not an absolute path");
    } else {
        auto bytes = decode_base64(read_string(document, where, "packed"));
        if (!bytes || bytes->empty())
            malformed(where + ".packed", "is not base64 image bytes");
        image.packed = std::move(*bytes);
    }
    return image;
}

json sandbox_json(const SandboxPlan& sandbox) {
    json identity = nullptr;
    if (sandbox.identity)
        identity = {{"uid", sandbox.identity->uid}, {"gid", sandbox.identity->gid}};
    return {{"identity", identity}, {"serves_volumes", sandbox.serves_volumes}};
}

SandboxPlan read_sandbox(const json& document, const std::string& where) {
    SandboxPlan sandbox;
    sandbox.identity =
        read_optional(document, where, "identity", [](const json& identity, const std::string& at) {
            return UnprivilegedIdentity{
                static_cast<uid_t>(read_number(identity, at, "uid", 0xfffffffe)),
                static_cast<gid_t>(read_number(identity, at, "gid", 0xfffffffe))};
        });
    sandbox.serves_volumes = read_bool(document, where, "serves_volumes");
    return sandbox;
}

json platform_json(const LaunchPlan& plan) {
    if (const QemuPlan* qemu = plan.qemu())
        return {{"name", "qemu"},
                {"binary", qemu->binary},
                {"machine", qemu->machine},
                {"accelerator", accelerator_name(qemu->accelerator)},
                {"accelerator_reason", qemu->accelerator_reason},
                {"console", qemu_console_name(qemu->console)}};
    const HvtPlan& hvt = *plan.hvt();
    return {{"name", "hvt"}, {"stats", hvt.print_stats}, {"sandbox", sandbox_json(hvt.sandbox)}};
}

std::variant<HvtPlan, QemuPlan> read_platform(const json& document, const std::string& where) {
    std::string name = read_string(document, where, "name");
    if (name == "hvt") {
        HvtPlan hvt;
        hvt.print_stats = read_bool(document, where, "stats");
        hvt.sandbox = read_sandbox(field(document, where, "sandbox"), where + ".sandbox");
        return hvt;
    }
    if (name != "qemu")
        malformed(where + ".name", fmt::format("'{}' is neither hvt nor qemu", name));
    QemuPlan qemu;
    qemu.binary = read_string(document, where, "binary");
    qemu.machine = read_string(document, where, "machine");
    if (qemu.binary.empty() || qemu.machine.empty())
        malformed(where, "has no QEMU binary or machine");
    std::string accelerator = read_string(document, where, "accelerator");
    if (accelerator != "kvm" && accelerator != "tcg")
        malformed(where + ".accelerator", fmt::format("'{}' is neither kvm nor tcg", accelerator));
    qemu.accelerator = accelerator == "kvm" ? Accelerator::Kvm : Accelerator::Tcg;
    qemu.accelerator_reason = read_string(document, where, "accelerator_reason");
    std::string console = read_string(document, where, "console");
    if (console != qemu_console_serial && console != qemu_console_virtio)
        malformed(where + ".console", fmt::format("'{}' is neither {} nor {}", console,
                                                  qemu_console_serial, qemu_console_virtio));
    qemu.console = parse_qemu_console(console);
    return qemu;
}

const char* network_backend_name(NetworkBackend backend) {
    switch (backend) {
    case NetworkBackend::Tap:
        return "tap";
    case NetworkBackend::User:
        return "user";
    case NetworkBackend::Interface:
        return "interface";
    }
    return "tap";
}

// A published port's host address: "*" for every address of both families, else the one
// address (0.0.0.0 and :: being every address of theirs).
std::string host_address_text(const PortMapping& mapping) {
    switch (mapping.family) {
    case HostFamily::Both:
        return "*";
    case HostFamily::Ipv6:
        return format_ipv6(mapping.host_address6);
    case HostFamily::Ipv4:
        break;
    }
    return format_ipv4(mapping.host_address);
}

void read_host_address(const json& object, const std::string& where, PortMapping& mapping) {
    std::string text = read_string(object, where, "host_address");
    if (text == "*") {
        mapping.family = HostFamily::Both;
    } else if (std::optional<uint32_t> ipv4 = parse_ipv4(text)) {
        mapping.family = HostFamily::Ipv4;
        mapping.host_address = *ipv4;
    } else if (std::optional<Ipv6Address> ipv6 = parse_ipv6(text)) {
        mapping.family = HostFamily::Ipv6;
        mapping.host_address6 = *ipv6;
    } else
        malformed(path_of(where, "host_address"),
                  fmt::format("'{}' is neither '*' nor an IPv4 or IPv6 address", text));
}

json network_json(const NetworkPlan& network) {
    json published = json::array();
    for (const PortMapping& mapping : network.published)
        published.push_back(
            {{"protocol", mapping.protocol == TransportProtocol::Udp ? "udp" : "tcp"},
             {"host_address", host_address_text(mapping)},
             {"host_port", mapping.host_port},
             {"guest_port", mapping.guest_port}});
    const GuestNetworkConfig& guest = network.guest;
    return {{"backend", network_backend_name(network.backend)},
            {"tap", network.tap_name},
            {"interface", network.interface_name},
            {"configure_host", network.configure_host},
            {"host_address", format_ipv4(network.host_address)},
            {"guest",
             {{"mac", format_mac(guest.mac)},
              {"address", format_ipv4(guest.address)},
              {"prefix_length", guest.prefix_length},
              {"gateway", format_ipv4(guest.gateway)},
              {"dns", format_ipv4(guest.dns)},
              {"dhcp", guest.use_dhcp}}},
            {"published", published}};
}

NetworkPlan read_network(const json& document, const std::string& where) {
    NetworkPlan network;
    std::string backend = read_string(document, where, "backend");
    if (backend == "user")
        network.backend = NetworkBackend::User;
    else if (backend == "interface")
        network.backend = NetworkBackend::Interface;
    else if (backend != "tap")
        malformed(where + ".backend", fmt::format("'{}' is not tap, user or interface", backend));
    network.tap_name = read_string(document, where, "tap");
    network.interface_name = read_string(document, where, "interface");
    network.configure_host = read_bool(document, where, "configure_host");
    network.host_address = read_ipv4(document, where, "host_address");
    std::string at = where + ".guest";
    const json& guest = field(document, where, "guest");
    std::string mac = read_string(guest, at, "mac");
    std::optional<MacAddress> parsed_mac = parse_mac(mac);
    if (!parsed_mac)
        malformed(at + ".mac", fmt::format("'{}' is not a MAC address", mac));
    network.guest.mac = *parsed_mac;
    network.guest.address = read_ipv4(guest, at, "address");
    network.guest.prefix_length = static_cast<uint8_t>(read_number(guest, at, "prefix_length", 32));
    network.guest.gateway = read_ipv4(guest, at, "gateway");
    network.guest.dns = read_ipv4(guest, at, "dns");
    network.guest.use_dhcp = read_bool(guest, at, "dhcp");
    const json& published = field(document, where, "published");
    if (!published.is_array())
        malformed(where + ".published", "is not a list");
    for (const json& item : published) {
        std::string item_at = where + ".published[]";
        PortMapping mapping;
        std::string protocol = read_string(item, item_at, "protocol");
        if (protocol != "tcp" && protocol != "udp")
            malformed(item_at + ".protocol", fmt::format("'{}' is neither tcp nor udp", protocol));
        mapping.protocol = protocol == "udp" ? TransportProtocol::Udp : TransportProtocol::Tcp;
        read_host_address(item, item_at, mapping);
        mapping.host_port = static_cast<uint16_t>(read_number(item, item_at, "host_port", 65535));
        mapping.guest_port = static_cast<uint16_t>(read_number(item, item_at, "guest_port", 65535));
        if (mapping.host_port == 0 || mapping.guest_port == 0)
            malformed(item_at, "has port 0");
        network.published.push_back(mapping);
    }
    return network;
}

json identity_json(const abi::Identity& identity) {
    json servers = json::array();
    for (size_t i = 0; i < identity.dns_count && i < abi::max_dns_servers; ++i)
        servers.push_back(format_ipv4(identity.dns[i]));
    return {{"hostname", identity.hostname}, {"dns", servers}};
}

abi::Identity read_identity(const json& document, const std::string& where) {
    abi::Identity identity{};
    identity.magic = abi::identity_magic;
    std::string hostname = read_string(document, where, "hostname");
    if (hostname.size() > abi::max_hostname_length || hostname.find('\0') != std::string::npos)
        malformed(where + ".hostname", "is not a host name");
    std::memcpy(identity.hostname, hostname.data(), hostname.size());
    std::vector<std::string> servers = read_strings(document, where, "dns");
    if (servers.size() > abi::max_dns_servers)
        malformed(where + ".dns", fmt::format("holds more than {} servers", abi::max_dns_servers));
    for (const std::string& server : servers) {
        std::optional<uint32_t> address = parse_ipv4(server);
        if (!address)
            malformed(where + ".dns", fmt::format("'{}' is not an IPv4 address", server));
        identity.dns[identity.dns_count++] = *address;
    }
    return identity;
}

json volumes_json(const std::vector<VolumeSpec>& volumes) {
    json list = json::array();
    for (const VolumeSpec& volume : volumes)
        list.push_back(
            {{"host", volume.host}, {"guest", volume.guest}, {"read_only", volume.read_only}});
    return list;
}

std::vector<VolumeSpec> read_volumes(const json& document, const std::string& where) {
    const json& list = field(document, where, "volumes");
    if (!list.is_array() || list.size() > abi::max_volumes)
        malformed("volumes", fmt::format("is not a list of at most {}", abi::max_volumes));
    std::vector<VolumeSpec> volumes;
    for (const json& item : list) {
        VolumeSpec volume;
        volume.host = read_string(item, "volumes[]", "host");
        volume.guest = read_string(item, "volumes[]", "guest");
        if (volume.host.empty() || volume.host.front() != '/' || volume.guest.empty() ||
            volume.guest.front() != '/')
            malformed("volumes[]", "has a path that is not absolute");
        volume.read_only = read_bool(item, "volumes[]", "read_only");
        volumes.push_back(std::move(volume));
    }
    return volumes;
}

json on_demand_json(const LaunchPlan& plan) {
    if (!plan.on_demand)
        return nullptr;
    return {{"idle_stop_ms", plan.idle_stop ? json(plan.idle_stop->count()) : json()}};
}

// "on_demand" came with version 1's plans already stored: a plan without it starts at once.
void read_on_demand(const json& document, LaunchPlan& plan) {
    auto found = document.find("on_demand");
    if (found == document.end() || found->is_null())
        return;
    if (!found->is_object())
        malformed("on_demand", "is neither null nor an object");
    plan.on_demand = true;
    plan.idle_stop = read_optional(
        *found, "on_demand", "idle_stop_ms", [](const json& value, const std::string& at) {
            if (!value.is_number_unsigned() || value.get<uint64_t>() == 0)
                malformed(at, "is neither null nor milliseconds");
            return std::chrono::milliseconds(value.get<int64_t>());
        });
    if (!plan.network || plan.network->published.empty())
        malformed("on_demand", "is set without a published port");
    for (const PortMapping& mapping : plan.network->published)
        if (mapping.protocol != TransportProtocol::Tcp)
            malformed("on_demand", "is set with a UDP port");
}

} // namespace

void to_json(json& document, const LaunchPlan& plan) {
    document = {{"version", launch_plan_version},
                {"image", image_json(plan.image)},
                {"platform", platform_json(plan)},
                {"arguments", plan.arguments},
                {"environment", plan.environment},
                {"memory_size", plan.memory_size},
                {"stack_size", plan.stack_size},
                {"stop_timeout", plan.stop_timeout ? json(plan.stop_timeout->count()) : json()},
                {"raw_console", plan.raw_console},
                {"trace_syscalls", plan.trace_syscalls},
                {"syscall_traps", plan.syscall_traps},
                {"boot_trace", plan.boot_trace},
                {"verbose", plan.verbose},
                {"network", plan.network ? network_json(*plan.network) : json()},
                {"identity", plan.identity ? identity_json(*plan.identity) : json()},
                {"volumes", volumes_json(plan.volumes)},
                {"on_demand", on_demand_json(plan)}};
}

void from_json(const json& document, LaunchPlan& plan) {
    const json& version = field(document, "", "version");
    if (!version.is_number_integer() || version.get<int64_t>() != launch_plan_version)
        fail("the launch plan is of version {}: this ingot reads version {}", version.dump(),
             launch_plan_version);
    LaunchPlan read;
    read.image = read_image_source(field(document, "", "image"), "image");
    read.platform = read_platform(field(document, "", "platform"), "platform");
    read.arguments = read_strings(document, "", "arguments");
    read.environment = read_strings(document, "", "environment");
    try {
        validate_manifest(Manifest{read.arguments, read.environment, 0, 0});
    } catch (const UserError& error) {
        malformed("arguments or environment", fmt::format("are refused: {}", error.what()));
    }
    read.memory_size = read_number(document, "", "memory_size", abi::maximum_memory);
    if (read.memory_size < abi::minimum_memory || read.memory_size % abi::page_size != 0)
        malformed("memory_size", "is not a size Ingot supports");
    read.stack_size = read_number(document, "", "stack_size", abi::maximum_stack_size);
    read.stop_timeout =
        read_optional(document, "", "stop_timeout", [](const json& value, const std::string& at) {
            if (!value.is_number_unsigned())
                malformed(at, "is neither null nor a number of seconds");
            return std::chrono::seconds(value.get<uint64_t>());
        });
    read.raw_console = read_bool(document, "", "raw_console");
    read.trace_syscalls = read_bool(document, "", "trace_syscalls");
    read.syscall_traps = read_bool(document, "", "syscall_traps");
    read.boot_trace = read_bool(document, "", "boot_trace");
    read.verbose = read_bool(document, "", "verbose");
    read.network = read_optional(document, "", "network", read_network);
    read.identity = read_optional(document, "", "identity", read_identity);
    read.volumes = read_volumes(document, "");
    read_on_demand(document, read);
    plan = std::move(read);
}

std::string format_launch_plan(const LaunchPlan& plan) {
    return json(plan).dump(2) + "\n";
}

LaunchPlan parse_launch_plan(std::string_view text) {
    json document;
    try {
        document = json::parse(text);
    } catch (const json::parse_error& error) {
        fail("the launch plan is not JSON (byte {})", error.byte);
    }
    return document.get<LaunchPlan>();
}

} // namespace ingot
