#include "debug/symbolizer.h"

namespace kernel::debug {

void Symbolizer::describe(uint64_t address, FormatBuffer& out) const {
    bool in_kernel = is_kernel_address(address);
    SymbolMatch match = in_kernel ? m_kernel.lookup(address) : m_program.lookup(address);
    if (match)
        out.append("%s+0x%lx", match.name, match.offset);
    else
        out.append("??");
    if (in_kernel)
        out.append(" [kernel]");
}

} // namespace kernel::debug
