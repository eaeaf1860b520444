// The auxiliary vector a program starts with (getauxval(3)), as Linux's create_elf_tables
// gives it: the program's headers and entry, the vDSO, and for a dynamically linked program the
// base of its interpreter, which starts first and finds the program through these.
#pragma once

#include "loader/initial_stack.h"
#include "loader/interpreter_loader.h"
#include "loader/program_loader.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {

struct ProcessorFeatures {
    uint64_t hwcap;                // CPUID.1:EDX, as Linux's ELF_HWCAP on x86
    uint64_t hwcap2;               // HWCAP2_* bits
    uint64_t minimum_signal_stack; // AT_MINSIGSTKSZ: the largest signal frame
};

// Enough for every entry below; AT_RANDOM, AT_PLATFORM, AT_EXECFN and AT_NULL are added by
// build_initial_stack.
inline constexpr size_t auxiliary_capacity = 17;

// Fills `entries`; returns how many. `interpreter` is null for a static program (AT_BASE 0);
// `vdso_base` is where the vDSO is (AT_SYSINFO_EHDR).
size_t make_auxiliary_vector(const LoadedProgram& program, const LoadedInterpreter* interpreter,
                             uint64_t vdso_base, const ProcessorFeatures& features,
                             AuxiliaryEntry (&entries)[auxiliary_capacity]);

} // namespace kernel
