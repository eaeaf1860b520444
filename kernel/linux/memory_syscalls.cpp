// mmap and friends over the one address space, and the program break.
#include "lib/log.h"
#include "lib/utility.h"
#include "linux/program_break.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"

#include <ingot/abi/memory_layout.h>

namespace kernel {

namespace {

constexpr uint64_t map_shared = 0x01;
constexpr uint64_t map_private = 0x02;
constexpr uint64_t map_fixed = 0x10;
constexpr uint64_t map_anonymous = 0x20;
constexpr uint64_t map_fixed_noreplace = 0x100000;
constexpr uint64_t mremap_maymove = 1;
constexpr uint64_t mremap_fixed = 2;
constexpr uint64_t madv_dontneed = 4;
constexpr uint32_t known_protection = protection::read | protection::write | protection::execute;

uint64_t break_start;
uint64_t break_end;

RegionKind kind_of(uint64_t flags) {
    return (flags & 0x20000) ? RegionKind::Stack : RegionKind::Anonymous; // MAP_STACK
}

long sys_mmap(SyscallFrame& f) {
    uint64_t address = f.rdi, length = f.rsi, flags = f.r10;
    auto prot = static_cast<uint32_t>(f.rdx);
    if (length == 0 || (prot & ~known_protection) || !(flags & (map_shared | map_private)))
        return -EINVAL;
    if (!(flags & map_anonymous))
        return -ENODEV; // no file can be mapped yet: there is no file system
    auto& space = user_address_space();
    if (flags & (map_fixed | map_fixed_noreplace)) {
        auto placement =
            (flags & map_fixed_noreplace) ? Placement::FixedNoReplace : Placement::Fixed;
        return to_syscall_result(
            space.map_anonymous(address, length, prot, placement, kind_of(flags)));
    }
    if (address && is_aligned(address, abi::page_size)) {
        auto hinted =
            space.map_anonymous(address, length, prot, Placement::FixedNoReplace, kind_of(flags));
        if (!hinted.is_error())
            return static_cast<long>(hinted.value());
    }
    return to_syscall_result(
        space.map_anonymous(0, length, prot, Placement::Anywhere, kind_of(flags)));
}

long sys_munmap(SyscallFrame& f) {
    return to_syscall_result(user_address_space().unmap(f.rdi, f.rsi));
}

long sys_mprotect(SyscallFrame& f) {
    auto prot = static_cast<uint32_t>(f.rdx) & ~0x03000000u; // PROT_GROWSDOWN/UP
    if (prot & ~known_protection)
        return -EINVAL;
    return to_syscall_result(user_address_space().protect(f.rdi, f.rsi, prot));
}

long sys_madvise(SyscallFrame& f) {
    if (!is_aligned(f.rdi, abi::page_size))
        return -EINVAL;
    if (f.rdx == madv_dontneed)
        return to_syscall_result(user_address_space().discard(f.rdi, f.rsi));
    return 0; // advice only
}

long sys_mremap(SyscallFrame& f) {
    if (f.r10 & ~(mremap_maymove | mremap_fixed))
        return -EINVAL;
    if (f.r10 & mremap_fixed)
        return -EINVAL; // moving to a chosen address is not supported
    return to_syscall_result(
        user_address_space().resize(f.rdi, f.rsi, f.rdx, f.r10 & mremap_maymove));
}

long sys_brk(SyscallFrame& f) {
    uint64_t wanted = f.rdi;
    if (wanted < break_start)
        return static_cast<long>(break_end);
    uint64_t current_top = align_up(break_end, abi::page_size);
    uint64_t wanted_top = align_up(wanted, abi::page_size);
    auto& space = user_address_space();
    if (wanted_top > current_top) {
        auto grown = space.map_anonymous(current_top, wanted_top - current_top,
                                         protection::read | protection::write,
                                         Placement::FixedNoReplace, RegionKind::Heap);
        if (grown.is_error())
            return static_cast<long>(break_end);
    } else if (wanted_top < current_top) {
        (void)space.unmap(wanted_top, current_top - wanted_top);
    }
    break_end = wanted;
    return static_cast<long>(break_end);
}

long succeed(SyscallFrame&) {
    return 0;
}

} // namespace

void set_program_break(uint64_t start) {
    break_start = break_end = start;
}

void register_memory_syscalls() {
    register_syscall(nr::mmap, sys_mmap);
    register_syscall(nr::munmap, sys_munmap);
    register_syscall(nr::mprotect, sys_mprotect);
    register_syscall(nr::madvise, sys_madvise);
    register_syscall(nr::mremap, sys_mremap);
    register_syscall(nr::brk, sys_brk);
    // Every page is resident and there is no swap: these have nothing to do.
    register_syscall(nr::mlock, succeed);
    register_syscall(nr::munlock, succeed);
    register_syscall(nr::mlockall, succeed);
    register_syscall(nr::munlockall, succeed);
    register_syscall(nr::msync, succeed);
}

} // namespace kernel
