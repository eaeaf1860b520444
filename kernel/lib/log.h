// The kernel's own messages, on the host's stderr prefixed by the monitor.
#pragma once

namespace kernel {

void klog(const char* pattern, ...) __attribute__((format(printf, 1, 2)));

} // namespace kernel
