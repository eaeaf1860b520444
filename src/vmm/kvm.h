// /dev/kvm, a VM and its vCPU, as RAII objects. Failures that depend on the host (no KVM,
// no permission, no room for a VM) become UserErrors that say why.
#pragma once

#include <linux/kvm.h>
#include <signal.h>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace ingot {

class FileHandle {
public:
    explicit FileHandle(int fd = -1) : m_fd(fd) {}
    ~FileHandle();
    FileHandle(FileHandle&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
    FileHandle& operator=(FileHandle&&) = delete;
    int get() const { return m_fd; }
    void close();

private:
    int m_fd;
};

class Vcpu {
public:
    Vcpu(int fd, size_t run_size);
    ~Vcpu();
    Vcpu(const Vcpu&) = delete;
    Vcpu& operator=(const Vcpu&) = delete;

    // Returns false when interrupted by a signal (the caller decides whether to go on).
    bool run();
    kvm_run& state() { return *m_run; }

    kvm_regs registers() const;
    void set_registers(const kvm_regs& registers);
    kvm_sregs special_registers() const;
    void set_special_registers(const kvm_sregs& registers);
    kvm_vcpu_events events() const;
    void set_events(const kvm_vcpu_events& events);
    // Drops the guest's cached translations, for a guest that cannot (ring 3 on PVM hosts).
    void flush_tlb();
    void set_cpuid(const std::vector<kvm_cpuid_entry2>& entries);
    void set_msrs(const std::vector<std::pair<uint32_t, uint64_t>>& values);
    // The signal mask in force while the vCPU runs (KVM_RUN returns EINTR for the others).
    void set_signal_mask(const sigset_t& mask);
    uint32_t tsc_khz() const;

private:
    FileHandle m_fd;
    kvm_run* m_run = nullptr;
    size_t m_run_size = 0;
};

class VirtualMachine {
public:
    // Opens /dev/kvm and creates the VM.
    VirtualMachine();

    void add_memory(uint32_t slot, uint64_t guest_physical, uint64_t size, void* host);
    // A slot the guest may read but not write (KVM_MEM_READONLY, a store exits as MMIO) where
    // the host offers it; elsewhere an ordinary slot. Returns whether it is read-only.
    bool add_read_only_memory(uint32_t slot, uint64_t guest_physical, uint64_t size,
                              const void* host);
    Vcpu create_vcpu();
    std::vector<kvm_cpuid_entry2> supported_cpuid() const;
    // Closes /dev/kvm and the VM's descriptor once set-up is done: the vCPU keeps the VM alive
    // and is all the run loop needs (the monitor's sandbox keeps no descriptor it does not use).
    void close_set_up_handles();

private:
    FileHandle m_kvm;
    FileHandle m_vm;
};

} // namespace ingot
