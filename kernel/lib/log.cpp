#include "lib/log.h"

#include "lib/format.h"
#include "platform/platform.h"

#include <stdarg.h>

namespace kernel {

namespace {
void vlog(const char* pattern, va_list arguments) {
    char line[512];
    size_t length = vformat(line, sizeof line - 1, pattern, arguments);
    if (length > sizeof line - 2)
        length = sizeof line - 2;
    line[length++] = '\n';
    (void)platform::console_write(abi::ConsoleStream::KernelLog, line, length);
}
} // namespace

void klog(const char* pattern, ...) {
    va_list arguments;
    va_start(arguments, pattern);
    vlog(pattern, arguments);
    va_end(arguments);
}

} // namespace kernel
