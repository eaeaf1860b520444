#include "loader/auxiliary_vector.h"

#include "loader/elf.h"

#include <ingot/abi/memory_layout.h>

namespace kernel {

size_t make_auxiliary_vector(const LoadedProgram& program, const LoadedInterpreter* interpreter,
                             uint64_t vdso_base, const ProcessorFeatures& features,
                             AuxiliaryEntry (&entries)[auxiliary_capacity]) {
    const AuxiliaryEntry all[] = {
        {auxv::sysinfo_ehdr, vdso_base},
        {auxv::minsigstksz, features.minimum_signal_stack},
        {auxv::hwcap, features.hwcap},
        {auxv::pagesz, abi::page_size},
        {auxv::clktck, 100},
        {auxv::phdr, program.program_headers},
        {auxv::phent, sizeof(elf::ProgramHeader)},
        {auxv::phnum, program.program_header_count},
        {auxv::base, interpreter ? interpreter->base : 0},
        {auxv::flags, 0},
        {auxv::entry, program.entry},
        {auxv::uid, 0},
        {auxv::euid, 0},
        {auxv::gid, 0},
        {auxv::egid, 0},
        {auxv::secure, 0},
        {auxv::hwcap2, features.hwcap2},
    };
    static_assert(sizeof all / sizeof all[0] <= auxiliary_capacity);
    size_t count = 0;
    for (const auto& entry : all)
        entries[count++] = entry;
    return count;
}

} // namespace kernel
