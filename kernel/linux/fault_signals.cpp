#include "linux/fault_signals.h"

namespace kernel::signals {

namespace {

// siginfo_t's si_code values (include/uapi/asm-generic/siginfo.h).
constexpr int si_kernel = 0x80;
constexpr int segv_maperr = 1, segv_accerr = 2;
constexpr int fpe_intdiv = 1;
constexpr int ill_illopn = 2;
constexpr int bus_adraln = 1, bus_adrerr = 2;
constexpr int sigill = 4, sigtrap = 5, sigbus = 7, sigfpe = 8, sigsegv = 11;

constexpr uint64_t page_fault_present = 1;

} // namespace

Fault fault_signal(uint64_t vector, uint64_t error_code, uint64_t fault_address, uint64_t rip) {
    Fault fault{sigsegv, si_kernel, 0, vector, error_code};
    switch (vector) {
    case 0: // #DE
        fault.signal = sigfpe;
        fault.code = fpe_intdiv;
        fault.address = rip;
        break;
    case 1: // #DB
    case 3: // #BP
        fault.signal = sigtrap;
        break;
    case 6: // #UD
        fault.signal = sigill;
        fault.code = ill_illopn;
        fault.address = rip;
        break;
    case 16: // #MF
    case 19: // #XM
        fault.signal = sigfpe;
        fault.address = rip;
        break;
    case 11: // #NP
    case 12: // #SS
        fault.signal = sigbus;
        break;
    case 17: // #AC
        fault.signal = sigbus;
        fault.code = bus_adraln;
        break;
    case 14: // #PF
        fault.code = (error_code & page_fault_present) ? segv_accerr : segv_maperr;
        fault.address = fault_address;
        break;
    default: // #GP, #OF, #BR and the rest
        break;
    }
    return fault;
}

Fault beyond_file_end_fault(uint64_t error_code, uint64_t fault_address) {
    return Fault{sigbus, bus_adrerr, fault_address, 14, error_code};
}

bool restarts_instruction(uint64_t vector) {
    return vector != 1 && vector != 3 && vector != 4;
}

} // namespace kernel::signals
