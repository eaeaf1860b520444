// The program's memory by kind, summed over its mappings once: what /proc/self/status,
// stat and statm report (Redis reads stat's RSS hundreds of times, so one pass each).
#pragma once

#include "fs/synthetic/system_facts.h"

namespace kernel::synthetic {

struct ProcessUsage {
    uint64_t size = 0;     // every mapping, PROT_NONE reservations included (VmSize)
    uint64_t resident = 0; // accessible mappings: the kernel backs them when mapped (VmRSS)
    uint64_t data = 0;     // private writable mappings other than the stack (VmData)
    uint64_t stack = 0;    // VmStk
    uint64_t text = 0;     // executable mappings (VmExe)
    uint64_t start_code = 0, end_code = 0, start_stack = 0, start_brk = 0;
};

ProcessUsage measure_usage(const SystemFacts& facts);

} // namespace kernel::synthetic
