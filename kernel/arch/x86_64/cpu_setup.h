#pragma once

namespace kernel::cpu {

// A clean x87/SSE state for the program's first thread.
void reset_fpu();

} // namespace kernel::cpu
