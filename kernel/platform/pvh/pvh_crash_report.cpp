#include "lib/log.h"
#include "platform/pvh/pvh_interrupts.h"

namespace kernel::pvh {

void report_program_crash(const abi::CrashArgs& crash) {
    klog("the program crashed: signal %u at %#llx", crash.signal,
         static_cast<unsigned long long>(crash.rip));
}

void report_exception(uint64_t vector, uint64_t error_code, uint64_t fault_address,
                      const abi::CrashArgs& crash) {
    klog("the program crashed: exception %llu (error %#llx, address %#llx) at %#llx",
         static_cast<unsigned long long>(vector), static_cast<unsigned long long>(error_code),
         static_cast<unsigned long long>(fault_address),
         static_cast<unsigned long long>(crash.rip));
}

} // namespace kernel::pvh
