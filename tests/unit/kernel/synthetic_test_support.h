// Made-up facts and a recording file opener for the synthetic file systems' tests.
#pragma once

// System headers before kernel_test_support.h (see there why).
#include <map>

#include "kernel/kernel_test_support.h"

#include "fs/synthetic/node.h"
#include "fs/synthetic/synthetic_trees.h"

namespace synthetic_test {

using namespace kernel::synthetic;

class FakeFacts final : public SystemFacts {
public:
    FakeFacts() {
        std::strcpy(m_cpu.vendor, "GenuineIntel");
        std::strcpy(m_cpu.model_name, "Test CPU @ 3.00GHz");
        m_cpu.family = 6;
        m_cpu.model = 85;
        m_cpu.stepping = 7;
        m_cpu.khz = 2999998;
        m_cpu.cache_kib = 36608;
        m_cpu.leaf1_edx = 1u << 0 | 1u << 4 | 1u << 25 | 1u << 26; // fpu tsc sse sse2
        m_cpu.leaf1_ecx = 1u << 31;                                // hypervisor
        m_cpu.extended_edx = 1u << 29;                             // lm
        m_cpu.address_bits_physical = 46;
        m_cpu.address_bits_virtual = 48;
    }

    int pid() const override { return 1; }
    const char* program_path() const override { return "/usr/bin/app"; }
    size_t argument_count() const override { return argument_values.size(); }
    const char* argument(size_t index) const override { return argument_values[index].c_str(); }
    size_t environment_count() const override { return environment_values.size(); }
    const char* environment(size_t index) const override {
        return environment_values[index].c_str();
    }
    size_t thread_count() const override { return 2; }
    uint32_t umask() const override { return 022; }

    void for_each_descriptor(DescriptorVisitor& visitor) const override {
        for (const auto& [fd, description] : descriptors)
            if (!visitor.visit(fd))
                return;
    }
    kernel::ErrorOr<size_t> describe_descriptor(int fd, char* buffer,
                                                size_t capacity) const override {
        auto found = descriptors.find(fd);
        if (found == descriptors.end())
            return kernel::EBADF;
        size_t length = std::min(found->second.size(), capacity);
        std::memcpy(buffer, found->second.data(), length);
        return length;
    }
    kernel::ErrorOr<uint32_t> descriptor_access(int fd) const override {
        if (!descriptors.count(fd))
            return kernel::EBADF;
        return fd == 0 ? 0u : 1u;
    }

    void for_each_mapping(MappingVisitor& visitor) const override {
        for (const MappingFacts& mapping : mappings)
            visitor.visit(mapping);
    }
    void for_each_mount(MountVisitor& visitor) const override {
        for (const MountFacts& mount : mounts)
            visitor.visit(mount);
    }
    LimitFacts limit(int resource) const override {
        if (resource == 7)
            return {1024, 4096};
        if (resource == 3)
            return {1 << 20, ~0ull};
        return {~0ull, ~0ull};
    }
    MemoryFacts memory() const override { return {64ull << 20, 48ull << 20}; }
    const CpuFacts& cpu() const override { return m_cpu; }
    uint64_t uptime_ns() const override { return uptime; }
    kernel::CpuTimes cpu_time() const override { return used; }
    uint64_t boot_time_seconds() const override { return 1'700'000'000; }
    kernel::net::NetworkCounters network_counters() const override { return network; }
    void interfaces(kernel::net::interfaces::Facts& facts) const override { facts = links; }
    void for_each_neighbour(kernel::net::interfaces::NeighbourVisitor& visitor) const override {
        for (const kernel::net::interfaces::Neighbour& neighbour : neighbours)
            visitor.visit(neighbour);
    }
    void for_each_socket(bool tcp, kernel::net::SocketVisitor& visitor) const override {
        for (const kernel::net::SocketListing& socket : tcp ? tcp_sockets : udp_sockets)
            visitor.visit(socket);
    }

    std::vector<std::string> argument_values{"/usr/bin/app", "--flag", "x y"};
    std::vector<std::string> environment_values{"PATH=/bin", "HOME=/"};
    std::map<int, std::string> descriptors{
        {0, "/dev/console"}, {1, "/dev/console"}, {2, "/dev/console"}, {5, "pipe:[7]"}};
    std::vector<MappingFacts> mappings{
        {0x400000, 0x401000, true, false, false, false, 0, 0, 0, "/usr/bin/app"},
        {0x401000, 0x405000, true, false, true, false, 0, 0, 0, "/usr/bin/app"},
        {0x406000, 0x408000, true, true, false, false, 0, 0, 0, "[heap]"},
        {0x7f0000000000, 0x7f0000100000, false, false, false, false, 0, 0, 0, ""},
        {0x7ffffff00000, 0x7ffffffff000, true, true, false, false, 0, 0, 0, "[stack]"},
    };
    std::vector<MountFacts> mounts{
        {"overlay", "/", "overlay", false, 1},
        {"proc", "/proc", "proc", false, 2},
        {"sysfs", "/sys", "sysfs", true, 3},
    };
    uint64_t uptime = 12'345'000'000; // 12.345 s
    kernel::net::NetworkCounters network{};
    kernel::net::interfaces::Facts links{}; // none, as without the network component
    std::vector<kernel::net::SocketListing> tcp_sockets, udp_sockets;
    std::vector<kernel::net::interfaces::Neighbour> neighbours;
    kernel::CpuTimes used{10'000'000'000,
                          2'005'000'000}; // 10 s in the program, 2.005 s in the kernel

private:
    CpuFacts m_cpu{};
};

// Records what would be opened; returns a null File (the kernel's File classes are tested in
// the guest).
class RecordingOpener final : public FileOpener {
public:
    kernel::ErrorOr<kernel::File*> open_text(TextBuffer&& text, Node&, uint32_t,
                                             kernel::Errno write_error) override {
        last_text.assign(text.data(), text.length());
        last_write_error = write_error;
        ++opened;
        return static_cast<kernel::File*>(nullptr);
    }
    kernel::ErrorOr<kernel::File*> open_device(DeviceKind kind, Node&, uint32_t) override {
        last_device = kind;
        ++opened;
        return static_cast<kernel::File*>(nullptr);
    }

    std::string last_text;
    kernel::Errno last_write_error = kernel::Errno(0);
    DeviceKind last_device = DeviceKind::Null;
    int opened = 0;
};

// Collects a directory's entries, with room for `room` of them per call.
class Listing final : public kernel::vfs::DirectoryVisitor {
public:
    explicit Listing(size_t room = SIZE_MAX) : m_room(room) {}
    bool visit(const kernel::vfs::DirectoryEntry& entry) override {
        if (m_taken == m_room)
            return false;
        ++m_taken;
        names.emplace_back(entry.name.data, entry.name.length);
        types.push_back(entry.type);
        return true;
    }
    void refill() { m_taken = 0; }

    std::vector<std::string> names;
    std::vector<kernel::vfs::NodeType> types;

private:
    size_t m_room;
    size_t m_taken = 0;
};

// Walks `path` ("a/b/c") from the root; follows no links.
inline kernel::RefPtr<kernel::vfs::Inode> walk(kernel::vfs::FileSystem& file_system,
                                               const std::string& path) {
    kernel::RefPtr<kernel::vfs::Inode> at = file_system.root();
    size_t start = 0;
    while (at && start < path.size()) {
        size_t slash = path.find('/', start);
        if (slash == std::string::npos)
            slash = path.size();
        auto next = at->lookup(kernel::StringView(path.data() + start, slash - start));
        at = next.is_error() ? nullptr : next.release_value();
        start = slash + 1;
    }
    return at;
}

inline std::string link_target(kernel::vfs::Inode& inode) {
    char buffer[256];
    auto length = inode.read_link(buffer, sizeof buffer);
    return length.is_error() ? kernel::errno_name(kernel_test::error_of(length))
                             : std::string(buffer, length.value());
}

// The text an open of `path` snapshots.
inline std::string generated(kernel::vfs::FileSystem& file_system, const std::string& path) {
    auto inode = walk(file_system, path);
    if (!inode)
        return "(missing)";
    TextBuffer text;
    if (static_cast<Node&>(*inode).type() != kernel::vfs::NodeType::Regular)
        return "(not a file)";
    auto result = static_cast<GeneratedFile&>(*inode).generate(text);
    return result.is_error() ? "(error)" : std::string(text.data(), text.length());
}

inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
        lines.push_back(text.substr(start, end - start));
    return lines;
}

} // namespace synthetic_test
