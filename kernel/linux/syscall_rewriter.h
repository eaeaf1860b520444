// Syscalls as calls: the second time a `syscall` instruction of the program traps (a site that
// runs once would only pay for it), its site is rewritten (linux/syscall_site.h) so that from
// then on it jumps into the kernel without a trap, as zpoline and lazypoline do for Linux
// processes but without their page-zero trampoline, so a null pointer still faults. The
// address is then known exactly (RCX - 2); where the instructions around it lie is found by
// decoding its whole function, whose bounds the program's symbols or unwind tables give (a
// library's through its PT_GNU_EH_FRAME, in memory). A site that cannot be rewritten (code
// without tables or sized symbols, no room for a jump near it) keeps trapping; the kernel
// remembers it and does not look again.
//
// The stubs live in pages of the program's address space within a rel32 jump of their sites
// ("[ingot-syscalls]" in /proc/self/maps); the rewritten code pages become private copies.
#pragma once

#include "debug/eh_frame.h"
#include "debug/program_symbols.h"

#include <stdint.h>

namespace kernel::syscall_rewriter {

// What tells the main program's functions apart: its file in the payload.
struct ProgramTables {
    debug::EhFrame cfi;
    debug::ProgramSymbols symbols;
};

// `entry`: the platform's call entry (syscall_call_entry_pvh or _hvt). Not called: every
// syscall keeps trapping (`ingot run --syscalls trap`).
void enable(uint64_t entry, const ProgramTables& program);

// A `syscall` trapped and will return to `return_address`: rewrite its site if it can be.
void rewrite(uint64_t return_address);

} // namespace kernel::syscall_rewriter
