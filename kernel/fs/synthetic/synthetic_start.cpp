#include "fs/synthetic/synthetic_start.h"

#include "fs/synthetic/etc_files.h"
#include "fs/synthetic/kernel_facts.h"
#include "fs/synthetic/open_files.h"
#include "fs/synthetic/synthetic_trees.h"
#include "fs/vfs/vfs.h"
#include "linux/machine_identity.h"
#include "net/network.h"
#include "platform/platform.h"

namespace kernel {

namespace {

using synthetic::TextBuffer;

ErrorOr<void> mount_synthetic(RefPtr<synthetic::SyntheticFileSystem> file_system,
                              const char* path) {
    if (!file_system)
        return ENOMEM;
    TRY(vfs::make_directories(path, 0755));
    return vfs::mount(file_system, path);
}

ErrorOr<void> write_text(const char* path, void (*generate)(TextBuffer&)) {
    TextBuffer text;
    generate(text);
    TRY(text.result());
    return vfs::write_file(path, text.data(), text.length(), 0644);
}

// A user's own file wins (the image's /etc/passwd names its users).
ErrorOr<void> write_unless_present(const char* path, void (*generate)(TextBuffer&)) {
    auto existing = vfs::resolve(path);
    if (!existing.is_error())
        return {};
    if (existing.error().code() != ENOENT)
        return existing.error();
    return write_text(path, generate);
}

// The interface's address and, unless --dns named servers, the DNS server DHCP or --ip's
// configuration gave (none without a network device: the stack would only be loopback).
struct NetworkFacts {
    uint32_t address = 0;
    net::Ipv6Address address6; // --ip6's
    uint32_t dns = 0;
};

NetworkFacts network_facts() {
    NetworkFacts facts;
    if (const net::InterfaceConfig* config = net::configured_interface()) {
        facts.address = config->address.value;
        facts.address6 = config->address6;
        facts.dns = config->dns.value;
    }
    return facts;
}

ErrorOr<void> write_etc() {
    TRY(vfs::make_directories("/etc", 0755));
    const char* hostname = identity::hostname();
    NetworkFacts network = network_facts();
    TextBuffer hosts, name, resolv;
    synthetic::generate_hosts(hosts, hostname, network.address, network.address6);
    synthetic::generate_hostname_file(name, hostname);
    uint32_t servers[abi::max_dns_servers];
    size_t count = identity::dns_server_count();
    for (size_t i = 0; i < count; ++i)
        servers[i] = identity::dns_server(i);
    if (count == 0 && network.dns)
        servers[count++] = network.dns;
    synthetic::generate_resolv_conf(resolv, servers, count);
    struct Written {
        const char* path;
        const TextBuffer& text;
    };
    const Written files[] = {
        {"/etc/hosts", hosts}, {"/etc/hostname", name}, {"/etc/resolv.conf", resolv}};
    for (const Written& file : files) {
        TRY(file.text.result());
        TRY(vfs::write_file(file.path, file.text.data(), file.text.length(), 0644));
    }
    TRY(write_unless_present("/etc/host.conf", synthetic::generate_host_conf));
    TRY(write_unless_present("/etc/passwd", synthetic::generate_passwd));
    TRY(write_unless_present("/etc/group", synthetic::generate_group));
    return {};
}

} // namespace

ErrorOr<void> start_synthetic_file_systems(const Manifest& manifest, const AddressSpace& space) {
    const auto& facts = synthetic::kernel_facts(manifest, space);
    auto& opener = synthetic::kernel_file_opener();
    TRY(mount_synthetic(synthetic::make_proc_file_system(facts, opener), "/proc"));
    TRY(mount_synthetic(synthetic::make_dev_file_system(facts, opener), "/dev"));
    TRY(mount_synthetic(synthetic::make_sys_file_system(facts, opener), "/sys"));
    return write_etc();
}

} // namespace kernel
