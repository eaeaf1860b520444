// Invalidation on the CPU the kernel runs on. In ring 0 (pvh; hvt on hardware KVM) each stale
// page gets an `invlpg` at once. In ring 3 (hvt on PVM hosts, see docs/design.md) `invlpg`
// faults and the hypervisor's shadow page tables keep stale translations (measured: freed
// pages stayed readable and writable), so the operation's stale pages are flushed together by
// the platform when it commits: one monitor call however many pages changed.
#pragma once

#include "arch/x86_64/tlb_invalidator.h"

namespace kernel {

class CpuTlb final : public TlbInvalidator {
public:
    CpuTlb();

    void stale(uint64_t virtual_address) override;
    void commit() override;

private:
    bool m_privileged;
};

} // namespace kernel
