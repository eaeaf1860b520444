#include "vmm/kvm.h"

#include "support/error.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace ingot {

namespace {

// <linux/kvm.h> declares the CPUID and MSR lists with __DECLARE_FLEX_ARRAY, whose empty
// struct takes a byte in C++: the entries would land at the wrong offset. The kernel's layout
// is an 8-byte header (count, padding) followed by the entries, built here by hand.
struct CpuidHeader {
    uint32_t count;
    uint32_t padding;
};

template <typename Entry> std::vector<uint8_t> entry_list(const Entry* entries, size_t count) {
    std::vector<uint8_t> buffer(sizeof(CpuidHeader) + count * sizeof(Entry));
    CpuidHeader header{static_cast<uint32_t>(count), 0};
    std::memcpy(buffer.data(), &header, sizeof header);
    if (count)
        std::memcpy(buffer.data() + sizeof header, entries, count * sizeof(Entry));
    return buffer;
}
constexpr unsigned long get_supported_cpuid = _IOWR(KVMIO, 0x05, CpuidHeader);
constexpr unsigned long set_cpuid2 = _IOW(KVMIO, 0x90, CpuidHeader);
constexpr unsigned long set_msrs_request = _IOW(KVMIO, 0x89, CpuidHeader);
constexpr unsigned long set_signal_mask_request = _IOW(KVMIO, 0x8b, uint32_t);

[[noreturn]] void ioctl_failed(const char* what) {
    fail("KVM refused to {}: {}", what, system_error_text(errno));
}

} // namespace

FileHandle::~FileHandle() {
    close();
}

void FileHandle::close() {
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

namespace {

// INGOT_KVM_DEVICE names another device node: for tests of a missing or unusable KVM.
const char* kvm_device() {
    const char* path = std::getenv("INGOT_KVM_DEVICE");
    return path && *path ? path : "/dev/kvm";
}

int open_kvm() {
    const char* path = kvm_device();
    int fd = ::open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        int error = errno;
        if (error == ENOENT)
            fail("{} does not exist: this host has no KVM (enable virtualization in the firmware, "
                 "load kvm_intel or kvm_amd)",
                 path);
        if (error == EACCES || error == EPERM)
            fail("no permission to use {}: add your user to the 'kvm' group or run as root", path);
        fail("cannot open {}: {}", path, system_error_text(error));
    }
    int version = ::ioctl(fd, KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION) {
        ::close(fd);
        if (version < 0)
            fail("{} is not a KVM device ({})", path, system_error_text(errno));
        fail("{} speaks KVM API version {}, Ingot needs {}", path, version, KVM_API_VERSION);
    }
    return fd;
}

int create_vm(int kvm) {
    int vm = -1;
    do {
        vm = ::ioctl(kvm, KVM_CREATE_VM, 0);
    } while (vm < 0 && errno == EINTR);
    if (vm < 0)
        fail("cannot create a virtual machine on /dev/kvm: {}", system_error_text(errno));
    return vm;
}

} // namespace

VirtualMachine::VirtualMachine() : m_kvm(open_kvm()), m_vm(create_vm(m_kvm.get())) {}

void VirtualMachine::add_memory(uint32_t slot, uint64_t guest_physical, uint64_t size, void* host) {
    kvm_userspace_memory_region region{};
    region.slot = slot;
    region.guest_phys_addr = guest_physical;
    region.memory_size = size;
    region.userspace_addr = reinterpret_cast<uint64_t>(host);
    if (::ioctl(m_vm.get(), KVM_SET_USER_MEMORY_REGION, &region) < 0)
        ioctl_failed("map guest memory");
}

bool VirtualMachine::add_read_only_memory(uint32_t slot, uint64_t guest_physical, uint64_t size,
                                          const void* host) {
    // Without KVM_CAP_READONLY_MEM (api.rst, 4.35) the slot is an ordinary one. The guest still
    // cannot change the image: the host memory behind it is a private mapping (a store would
    // copy the page, never reach the file) that the monitor maps PROT_READ, so KVM maps it
    // read-only and a store fails KVM_RUN; the guest's own tables map it read-only as well.
    bool read_only = ::ioctl(m_kvm.get(), KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) > 0;
    kvm_userspace_memory_region region{};
    region.slot = slot;
    region.flags = read_only ? KVM_MEM_READONLY : 0;
    region.guest_phys_addr = guest_physical;
    region.memory_size = size;
    region.userspace_addr = reinterpret_cast<uint64_t>(host);
    if (::ioctl(m_vm.get(), KVM_SET_USER_MEMORY_REGION, &region) < 0)
        ioctl_failed("map the image's payload");
    return read_only;
}

void VirtualMachine::close_set_up_handles() {
    m_vm.close();
    m_kvm.close();
}

Vcpu VirtualMachine::create_vcpu() {
    int fd = ::ioctl(m_vm.get(), KVM_CREATE_VCPU, 0);
    if (fd < 0)
        ioctl_failed("create a vCPU");
    int size = ::ioctl(m_kvm.get(), KVM_GET_VCPU_MMAP_SIZE, 0);
    if (size <= 0) {
        ::close(fd);
        ioctl_failed("report the vCPU state size");
    }
    return Vcpu(fd, static_cast<size_t>(size));
}

std::vector<kvm_cpuid_entry2> VirtualMachine::supported_cpuid() const {
    std::vector<kvm_cpuid_entry2> entries(256);
    auto buffer = entry_list(entries.data(), entries.size());
    if (::ioctl(m_kvm.get(), get_supported_cpuid, buffer.data()) < 0)
        ioctl_failed("report the supported CPUID");
    CpuidHeader header;
    std::memcpy(&header, buffer.data(), sizeof header);
    entries.resize(std::min<size_t>(header.count, entries.size()));
    std::memcpy(entries.data(), buffer.data() + sizeof header,
                entries.size() * sizeof(kvm_cpuid_entry2));
    return entries;
}

Vcpu::Vcpu(int fd, size_t run_size) : m_fd(fd), m_run_size(run_size) {
    void* mapping = ::mmap(nullptr, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (mapping == MAP_FAILED)
        ioctl_failed("share the vCPU state");
    m_run = static_cast<kvm_run*>(mapping);
}

Vcpu::~Vcpu() {
    if (m_run)
        ::munmap(m_run, m_run_size);
}

bool Vcpu::run() {
    if (::ioctl(m_fd.get(), KVM_RUN, 0) == 0)
        return true;
    if (errno == EINTR || errno == EAGAIN)
        return false;
    ioctl_failed("run the vCPU");
}

kvm_regs Vcpu::registers() const {
    kvm_regs registers{};
    if (::ioctl(m_fd.get(), KVM_GET_REGS, &registers) < 0)
        ioctl_failed("read the vCPU registers");
    return registers;
}

void Vcpu::set_registers(const kvm_regs& registers) {
    if (::ioctl(m_fd.get(), KVM_SET_REGS, &registers) < 0)
        ioctl_failed("set the vCPU registers");
}

kvm_sregs Vcpu::special_registers() const {
    kvm_sregs registers{};
    if (::ioctl(m_fd.get(), KVM_GET_SREGS, &registers) < 0)
        ioctl_failed("read the vCPU special registers");
    return registers;
}

void Vcpu::set_special_registers(const kvm_sregs& registers) {
    if (::ioctl(m_fd.get(), KVM_SET_SREGS, &registers) < 0)
        ioctl_failed("set the vCPU special registers");
}

// KVM has no call for this. A KVM_SET_SREGS that changes CR3 resets the vCPU's MMU context
// and flushes its translations, as a guest's own CR3 write would (arch/x86/kvm/x86.c,
// __set_sregs: kvm_mmu_reset_context and KVM_REQ_TLB_FLUSH_GUEST; with shadow paging the
// shadow tables are synced with the guest's again). Toggling CR3's PWT bit (bit 3: the memory
// type of the walk's read of the top-level table, SDM vol. 3A, 4.5) changes CR3 without
// changing which tables it names.
void Vcpu::flush_tlb() {
    kvm_sregs registers = special_registers();
    registers.cr3 ^= 1ull << 3;
    set_special_registers(registers);
}

kvm_vcpu_events Vcpu::events() const {
    kvm_vcpu_events events{};
    if (::ioctl(m_fd.get(), KVM_GET_VCPU_EVENTS, &events) < 0)
        ioctl_failed("read the vCPU events");
    return events;
}

void Vcpu::set_events(const kvm_vcpu_events& events) {
    if (::ioctl(m_fd.get(), KVM_SET_VCPU_EVENTS, &events) < 0)
        ioctl_failed("set the vCPU events");
}

void Vcpu::set_cpuid(const std::vector<kvm_cpuid_entry2>& entries) {
    auto buffer = entry_list(entries.data(), entries.size());
    if (::ioctl(m_fd.get(), set_cpuid2, buffer.data()) < 0)
        ioctl_failed("set the guest CPUID");
}

void Vcpu::set_msrs(const std::vector<std::pair<uint32_t, uint64_t>>& values) {
    std::vector<kvm_msr_entry> entries(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
        entries[i].index = values[i].first;
        entries[i].data = values[i].second;
    }
    auto buffer = entry_list(entries.data(), entries.size());
    int set = ::ioctl(m_fd.get(), set_msrs_request, buffer.data());
    if (set < 0)
        ioctl_failed("set the vCPU's syscall MSRs");
    if (set != static_cast<int>(values.size()))
        fail("KVM refused MSR {:#x} = {:#x}", values[static_cast<size_t>(set)].first,
             values[static_cast<size_t>(set)].second);
}

void Vcpu::set_signal_mask(const sigset_t& mask) {
    // struct kvm_signal_mask is a length then the kernel's 8-byte sigset (flexible array).
    uint8_t buffer[sizeof(uint32_t) + 8];
    uint32_t length = 8;
    std::memcpy(buffer, &length, sizeof length);
    std::memcpy(buffer + sizeof length, &mask, 8);
    if (::ioctl(m_fd.get(), set_signal_mask_request, buffer) < 0)
        ioctl_failed("set the vCPU's signal mask");
}

uint32_t Vcpu::tsc_khz() const {
    int khz = ::ioctl(m_fd.get(), KVM_GET_TSC_KHZ, 0);
    return khz > 0 ? static_cast<uint32_t>(khz) : 0;
}

} // namespace ingot
