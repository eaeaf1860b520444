// What a kernel built without the debug component (abi::component_debug) has in its place: no
// syscall tracer (linux/syscall_dispatch.cpp says so once when --trace-syscalls asks for it).
#include "linux/syscall_trace.h"

namespace kernel {

const SyscallTracer* syscall_tracer() {
    return nullptr;
}

} // namespace kernel
