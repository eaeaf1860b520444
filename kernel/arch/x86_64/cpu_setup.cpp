// The monitor sets up segments, paging and the syscall MSRs before the first instruction
// (the kernel may run unprivileged); what is left is state any ring may set.
#include "arch/x86_64/cpu_setup.h"

#include <stdint.h>

namespace kernel::cpu {

bool fs_base_through_msr = false;

void reset_fpu() {
    uint32_t mxcsr = 0x1f80;
    asm volatile("fninit\n"
                 "ldmxcsr %0"
                 :
                 : "m"(mxcsr));
}

} // namespace kernel::cpu
