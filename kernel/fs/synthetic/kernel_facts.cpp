#include "fs/synthetic/kernel_facts.h"

#include "arch/x86_64/cpu.h"
#include "fs/fd_table.h"
#include "fs/vfs/vfs.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "linux/path_arguments.h"
#include "linux/program_identity.h"
#include "linux/resource_limits.h"
#include "loader/manifest.h"
#include "mm/address_space.h"
#include "mm/frame_allocator.h"
#include "net/network.h"
#include "sched/scheduler.h"
#include "time/clock.h"

#include <ingot/abi/memory_layout.h>

namespace kernel::synthetic {

namespace {

// CPUID traps to the hypervisor (tens of microseconds under PVM): asked once.
CpuFacts describe_cpu() {
    CpuFacts facts{};
    auto vendor = cpu::cpuid(0);
    memcpy(facts.vendor, &vendor.ebx, 4);
    memcpy(facts.vendor + 4, &vendor.edx, 4);
    memcpy(facts.vendor + 8, &vendor.ecx, 4);
    auto signature = cpu::cpuid(1);
    uint32_t family = (signature.eax >> 8) & 0xf, model = (signature.eax >> 4) & 0xf;
    // The extended family and model count as Intel's SDM (CPUID leaf 1) and AMD's say.
    if (family == 0xf)
        family += (signature.eax >> 20) & 0xff;
    if (family >= 6)
        model |= ((signature.eax >> 16) & 0xf) << 4;
    facts.family = family;
    facts.model = model;
    facts.stepping = signature.eax & 0xf;
    facts.leaf1_ecx = signature.ecx;
    facts.leaf1_edx = signature.edx;
    uint32_t highest = vendor.eax;
    if (highest >= 7) {
        auto structured = cpu::cpuid(7, 0);
        facts.leaf7_ebx = structured.ebx;
        facts.leaf7_ecx = structured.ecx;
        facts.leaf7_edx = structured.edx;
    }
    uint32_t highest_extended = cpu::cpuid(0x80000000).eax;
    if (highest_extended >= 0x80000001) {
        auto extended = cpu::cpuid(0x80000001);
        facts.extended_ecx = extended.ecx;
        facts.extended_edx = extended.edx;
    }
    if (highest_extended >= 0x80000004) {
        for (uint32_t i = 0; i < 3; ++i) {
            auto part = cpu::cpuid(0x80000002 + i);
            memcpy(facts.model_name + i * 16, &part, 16);
        }
        // Processors pad the brand string with leading spaces; Linux strips them.
        size_t start = 0;
        while (facts.model_name[start] == ' ')
            ++start;
        memmove(facts.model_name, facts.model_name + start, sizeof facts.model_name - start);
    }
    if (highest_extended >= 0x80000006)
        facts.cache_kib = cpu::cpuid(0x80000006).ecx >> 16;
    if (highest_extended >= 0x80000008) {
        auto sizes = cpu::cpuid(0x80000008).eax;
        facts.address_bits_physical = sizes & 0xff;
        facts.address_bits_virtual = (sizes >> 8) & 0xff;
    }
    facts.khz = static_cast<uint32_t>(clock::ns_to_tsc(1'000'000));
    return facts;
}

const char* region_name(const Region& region) {
    switch (region.kind) {
    case RegionKind::Heap:
        return "[heap]";
    // The guard page below the stack is no part of it in Linux's maps.
    case RegionKind::Stack:
        return region.protection == protection::none ? "" : "[stack]";
    case RegionKind::Program:
        return program_path();
    case RegionKind::Vvar:
        return "[vvar]";
    case RegionKind::Vdso:
        return "[vdso]";
    case RegionKind::SyscallStubs:
        return "[ingot-syscalls]";
    case RegionKind::Anonymous:
    case RegionKind::File:
        break;
    }
    return "";
}

class KernelFacts final : public SystemFacts {
public:
    KernelFacts(const Manifest& manifest, const AddressSpace& space)
        : m_manifest(manifest), m_space(space) {}

    // getpid's answer (identity_syscalls.cpp): the program is process 1.
    int pid() const override { return 1; }
    const char* program_path() const override { return kernel::program_path(); }
    size_t argument_count() const override { return m_manifest.argc; }
    const char* argument(size_t index) const override { return m_manifest.argv[index]; }
    size_t environment_count() const override { return m_manifest.envc; }
    const char* environment(size_t index) const override { return m_manifest.envp[index]; }
    size_t thread_count() const override { return scheduler::live_threads(); }
    uint32_t umask() const override { return file_creation_mask(); }

    void for_each_descriptor(DescriptorVisitor& visitor) const override {
        for (int fd = fd_table::next_open(0); fd >= 0; fd = fd_table::next_open(fd + 1))
            if (!visitor.visit(fd))
                return;
    }

    ErrorOr<size_t> describe_descriptor(int fd, char* buffer, size_t capacity) const override {
        File* file = TRY(fd_table::get(fd));
        return file->describe(buffer, capacity);
    }

    ErrorOr<uint32_t> descriptor_access(int fd) const override {
        File* file = TRY(fd_table::get(fd));
        return file->access_mode();
    }

    void for_each_mapping(MappingVisitor& visitor) const override {
        m_space.for_each_region([&](const Region& region) {
            MappingFacts mapping{};
            mapping.start = region.start;
            mapping.end = region.end;
            mapping.readable = region.protection & protection::read;
            mapping.writable = region.protection & protection::write;
            mapping.executable = region.protection & protection::execute;
            mapping.name = region_name(region);
            visitor.visit(mapping);
        });
    }

    // The mount table as it is when the file is read, volumes included.
    void for_each_mount(MountVisitor& visitor) const override {
        struct PathText {
            char* text = new char[vfs::path_max];
            ~PathText() { delete[] text; }
        } path;
        if (!path.text)
            return;
        vfs::file_tree().for_each_mount([&](const vfs::Location& place, vfs::FileSystem& mounted) {
            auto length = place.absolute_path(path.text, vfs::path_max - 1);
            if (length.is_error())
                return;
            path.text[length.value()] = '\0';
            visitor.visit({mounted.type_name(), path.text, mounted.type_name(),
                           mounted.is_read_only(), mounted.device_id()});
        });
    }

    LimitFacts limit(int resource) const override {
        LimitFacts limit{~0ull, ~0ull};
        resource_limit(resource, limit.soft, limit.hard);
        return limit;
    }

    MemoryFacts memory() const override {
        auto& frames = frame_allocator();
        return {frames.total_frames() * abi::page_size, frames.free_frames() * abi::page_size};
    }

    const CpuFacts& cpu() const override {
        if (!m_cpu_known) {
            m_cpu = describe_cpu();
            m_cpu_known = true;
        }
        return m_cpu;
    }

    uint64_t uptime_ns() const override { return clock::monotonic_ns(); }
    CpuTimes cpu_time() const override { return scheduler::process_cpu_time(); }
    uint64_t boot_time_seconds() const override {
        return (clock::realtime_ns() - clock::monotonic_ns()) / clock::ns_per_second;
    }
    net::NetworkCounters network_counters() const override { return net::counters(); }
    void interfaces(net::interfaces::Facts& facts) const override { net::interface_facts(facts); }
    void for_each_socket(bool tcp, net::SocketVisitor& visitor) const override {
        net::list_sockets(tcp, visitor);
    }
    void for_each_neighbour(net::interfaces::NeighbourVisitor& visitor) const override {
        net::list_neighbours(visitor);
    }

private:
    const Manifest& m_manifest;
    const AddressSpace& m_space;
    mutable CpuFacts m_cpu{};
    mutable bool m_cpu_known = false;
};

Lifelong<KernelFacts> facts_storage;

} // namespace

const SystemFacts& kernel_facts(const Manifest& manifest, const AddressSpace& space) {
    return facts_storage.construct(manifest, space);
}

} // namespace kernel::synthetic
