// What /proc and /sys show, asked of the running kernel through one interface, so that the
// file systems are plain logic the unit tests drive with made-up facts (tests/unit/kernel).
// The kernel's answers are in kernel_facts.cpp.
#pragma once

#include "lib/error_or.h"
#include "net/interface_facts.h"
#include "net/socket_listing.h"
#include "net/statistics.h"
#include "sched/cpu_time.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::synthetic {

// One mapping of the program's address space, as /proc/self/maps lists it.
struct MappingFacts {
    uint64_t start, end;
    bool readable, writable, executable, shared;
    uint64_t offset;  // into the file, for file-backed mappings
    uint64_t device;  // the file's st_dev, 0 for anonymous memory
    uint64_t inode;   // the file's inode, 0 for anonymous memory
    const char* name; // "[heap]", "[stack]", a path, or "" for anonymous memory
};

class MappingVisitor {
public:
    virtual void visit(const MappingFacts& mapping) = 0;

protected:
    ~MappingVisitor() = default;
};

class DescriptorVisitor {
public:
    // Returns false to stop.
    virtual bool visit(int fd) = 0;

protected:
    ~DescriptorVisitor() = default;
};

// One mounted file system, as /proc/self/mountinfo and /proc/mounts list them.
struct MountFacts {
    const char* source; // "none", "proc", ...
    const char* path;
    const char* type;
    bool read_only;
    uint64_t device;
};

class MountVisitor {
public:
    virtual void visit(const MountFacts& mount) = 0;

protected:
    ~MountVisitor() = default;
};

// What CPUID says of the one vCPU, for /proc/cpuinfo.
struct CpuFacts {
    char vendor[13];
    char model_name[49];
    uint32_t family, model, stepping;
    uint32_t khz; // the TSC's frequency
    uint32_t cache_kib;
    // CPUID leaf 1 ECX/EDX, leaf 7 EBX/ECX/EDX, leaf 0x80000001 ECX/EDX.
    uint32_t leaf1_ecx, leaf1_edx, leaf7_ebx, leaf7_ecx, leaf7_edx, extended_ecx, extended_edx;
    uint32_t address_bits_physical, address_bits_virtual;
};

struct MemoryFacts {
    uint64_t total_bytes;
    uint64_t free_bytes;
};

// RLIMIT_* values, soft and hard (~0: unlimited).
struct LimitFacts {
    uint64_t soft, hard;
};
inline constexpr int limit_count = 16;

class SystemFacts {
public:
    // The program, as getpid and the initial stack see it.
    virtual int pid() const = 0;
    virtual const char* program_path() const = 0; // its path in the guest: /proc/self/exe
    virtual size_t argument_count() const = 0;
    virtual const char* argument(size_t index) const = 0;
    virtual size_t environment_count() const = 0;
    virtual const char* environment(size_t index) const = 0;
    virtual size_t thread_count() const = 0;
    virtual uint32_t umask() const = 0;

    // Descriptors in ascending order; the text /proc/self/fd/N links to (EBADF when closed).
    virtual void for_each_descriptor(DescriptorVisitor& visitor) const = 0;
    virtual ErrorOr<size_t> describe_descriptor(int fd, char* buffer, size_t capacity) const = 0;
    // O_RDONLY, O_WRONLY or O_RDWR: the link's permission bits follow it, as Linux's do.
    virtual ErrorOr<uint32_t> descriptor_access(int fd) const = 0;

    virtual void for_each_mapping(MappingVisitor& visitor) const = 0;
    virtual void for_each_mount(MountVisitor& visitor) const = 0;
    virtual LimitFacts limit(int resource) const = 0;

    virtual MemoryFacts memory() const = 0;
    virtual const CpuFacts& cpu() const = 0;
    virtual uint64_t uptime_ns() const = 0;
    // The CPU time the program used: its threads', those that exited included.
    virtual CpuTimes cpu_time() const = 0;
    virtual uint64_t boot_time_seconds() const = 0; // since the epoch: /proc/stat's btime
    virtual net::NetworkCounters network_counters() const = 0;
    // The network interfaces; none without the network component.
    virtual void interfaces(net::interfaces::Facts& facts) const = 0;
    // Every TCP (`tcp`) or UDP socket of the stack; none without the network component.
    virtual void for_each_socket(bool tcp, net::SocketVisitor& visitor) const = 0;
    // The ARP cache's entries; none without a network device.
    virtual void for_each_neighbour(net::interfaces::NeighbourVisitor& visitor) const = 0;

protected:
    ~SystemFacts() = default;
};

} // namespace kernel::synthetic
