#include "arch/x86_64/cpu_tlb.h"

#include "arch/x86_64/cpu.h"
#include "platform/platform.h"

namespace kernel {

CpuTlb::CpuTlb() : m_privileged(cpu::is_privileged()) {}

void CpuTlb::stale(uint64_t virtual_address) {
    if (m_privileged)
        cpu::invalidate_page(virtual_address);
}

void CpuTlb::commit() {
    if (!m_privileged)
        platform::flush_tlb();
}

} // namespace kernel
