// The signal Linux sends a program for each CPU exception it causes (arch/x86/kernel/traps.c
// and fault.c): its number, si_code and si_addr.
#pragma once

#include <stdint.h>

namespace kernel::signals {

// A CPU exception in the program, as the signal Linux sends for it.
struct Fault {
    int signal;
    int code;         // si_code
    uint64_t address; // si_addr
    uint64_t vector;
    uint64_t error_code;
};

// `fault_address` is CR2 for a page fault; `rip` the instruction that faulted.
Fault fault_signal(uint64_t vector, uint64_t error_code, uint64_t fault_address, uint64_t rip);

// A page fault on a page of a file mapping wholly past the end of the file: SIGBUS with
// BUS_ADRERR, as Linux sends (mmap(2), "SIGBUS"; mm/filemap.c's VM_FAULT_SIGBUS).
Fault beyond_file_end_fault(uint64_t error_code, uint64_t fault_address);

// Whether the CPU reports the vector as a fault, before the instruction: returning to it runs
// the instruction again (Intel SDM vol. 3A, table 6-1). Not so for int3, into and #DB traps.
bool restarts_instruction(uint64_t vector);

} // namespace kernel::signals
