// mmap and friends over the one address space, and the program break.
#include "fs/fd_table.h"
#include "fs/vfs/inode.h"
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
constexpr uint64_t map_shared_validate = 0x03;
constexpr uint64_t map_type = 0x0f;
constexpr uint64_t map_fixed = 0x10;
constexpr uint64_t map_anonymous = 0x20;
constexpr uint64_t map_fixed_noreplace = 0x100000;
constexpr uint64_t mremap_maymove = 1;
constexpr uint64_t mremap_fixed = 2;
constexpr uint64_t mremap_dontunmap = 4;
constexpr uint64_t madv_dontneed = 4;
constexpr int ms_async = 1, ms_invalidate = 2, ms_sync = 4;
constexpr uint32_t known_protection = protection::read | protection::write | protection::execute;
constexpr uint32_t prot_sem = 0x8; // accepted and meaningless on x86 (arch_validate_prot)
constexpr uint32_t prot_growsdown = 0x01000000;
constexpr uint32_t prot_growsup = 0x02000000;

ProgramBreak program_break;

RegionKind kind_of(uint64_t flags) {
    return (flags & 0x20000) ? RegionKind::Stack : RegionKind::Anonymous; // MAP_STACK
}

// What a mapping of descriptor `fd` maps, with Linux's checks (do_mmap's file branch): EBADF
// for no open file; EINVAL for a mapping neither shared nor private; EACCES for a shared
// writable mapping of a descriptor not open for writing, or any mapping of one not open for
// reading; ENODEV for a file with no pages to map (a pipe, a socket, a directory).
ErrorOr<FileBacking> file_backing(int fd, uint32_t prot, uint64_t flags, uint64_t offset) {
    auto file = TRY(fd_table::get_reference(fd));
    uint64_t type = flags & map_type;
    bool shared = type == map_shared || type == map_shared_validate;
    if (!shared && type != map_private)
        return EINVAL;
    uint32_t mode = file->access_mode();
    if (mode == o_wronly || (shared && (prot & protection::write) && mode != o_rdwr))
        return EACCES;
    vfs::Inode* inode = file->inode();
    if (!inode || inode->type() != vfs::NodeType::Regular)
        return ENODEV;
    return FileBacking{RefPtr<vfs::Inode>(inode), offset, shared, shared && mode == o_rdwr};
}

// Places a mapping as Linux's get_unmapped_area does: at a fixed address (replacing or not
// what is there), else at the hint rounded up to a page when it is free, else anywhere.
template <typename MapAt> ErrorOr<uint64_t> place(uint64_t address, uint64_t flags, MapAt map_at) {
    if (flags & (map_fixed | map_fixed_noreplace))
        return map_at(address,
                      (flags & map_fixed_noreplace) ? Placement::FixedNoReplace : Placement::Fixed);
    address = align_up(address, abi::page_size); // wrapping to 0: no hint
    if (address) {
        auto hinted = map_at(address, Placement::FixedNoReplace);
        if (!hinted.is_error())
            return hinted;
    }
    return map_at(0, Placement::Anywhere);
}

} // namespace

ErrorOr<long> sys_mmap(UserPointer address, size_t length, unsigned long protection,
                       unsigned long flags, int fd, unsigned long offset) {
    auto prot = static_cast<uint32_t>(protection);
    // x86's sys_mmap refuses a misaligned offset first, even for an anonymous mapping; then
    // the descriptor is looked up before the length is looked at.
    if (!is_aligned(offset, abi::page_size))
        return EINVAL;
    if (!(flags & map_anonymous))
        TRY(fd_table::get(fd));
    if (length == 0 || (protection & ~uint64_t(known_protection)) ||
        !(flags & (map_shared | map_private)))
        return EINVAL;
    auto& space = user_address_space();
    if (flags & map_anonymous)
        return as_syscall_result(place(address.address, flags, [&](uint64_t at, Placement how) {
            return space.map_anonymous(at, length, prot, how, kind_of(flags));
        }));
    FileBacking backing = TRY(file_backing(fd, prot, flags, offset));
    return as_syscall_result(place(address.address, flags, [&](uint64_t at, Placement how) {
        return space.map_file(at, length, prot, how, backing);
    }));
}

// msync(2): MS_ASYNC and MS_SYNC both write the shared mappings' copies back now (there is no
// later); MS_SYNC also syncs the files. MS_INVALIDATE has nothing to drop.
ErrorOr<long> sys_msync(UserPointer address, size_t length, int flags) {
    if (flags & ~(ms_async | ms_invalidate | ms_sync))
        return EINVAL;
    if ((flags & ms_async) && (flags & ms_sync))
        return EINVAL;
    return as_syscall_result(user_address_space().sync(address.address, length, flags & ms_sync));
}

namespace {

long sys_munmap(SyscallFrame& f) {
    return to_syscall_result(user_address_space().unmap(f.rdi, f.rsi));
}

long sys_mprotect(SyscallFrame& f) {
    auto prot = static_cast<uint32_t>(f.rdx);
    uint32_t grows = prot & (prot_growsdown | prot_growsup);
    if (grows == (prot_growsdown | prot_growsup))
        return -EINVAL;
    // The other bits are checked by protect(), after the range, in Linux's order.
    prot &= ~(grows | prot_sem);
    return to_syscall_result(user_address_space().protect(f.rdi, f.rsi, prot));
}

// madvise_behavior_valid() of Linux with KSM and transparent huge pages, less the
// memory-failure injection (100, 101) and guard-region (102, 103) advice.
bool is_known_advice(uint64_t advice) {
    return advice <= 4 || (advice >= 8 && advice <= 25);
}

long sys_madvise(SyscallFrame& f) {
    if (!is_known_advice(f.rdx))
        return -EINVAL;
    auto& space = user_address_space();
    if (f.rdx == madv_dontneed)
        return to_syscall_result(space.discard(f.rdi, f.rsi));
    return to_syscall_result(space.check_advice_range(f.rdi, f.rsi)); // advice only
}

long sys_mremap(SyscallFrame& f) {
    uint64_t flags = f.r10;
    if (flags & ~(mremap_maymove | mremap_fixed | mremap_dontunmap))
        return -EINVAL;
    // Linux: MREMAP_FIXED needs MREMAP_MAYMOVE; MREMAP_DONTUNMAP too, and equal lengths.
    if ((flags & mremap_fixed) && !(flags & mremap_maymove))
        return -EINVAL;
    if ((flags & mremap_dontunmap) && (!(flags & mremap_maymove) || f.rsi != f.rdx))
        return -EINVAL;
    if (flags & mremap_dontunmap)
        return -EINVAL; // leaving the old range mapped (and empty) is not supported
    if (flags & mremap_fixed)
        return to_syscall_result(user_address_space().move_to(f.rdi, f.rsi, f.rdx, f.r8));
    return to_syscall_result(
        user_address_space().resize(f.rdi, f.rsi, f.rdx, flags & mremap_maymove));
}

long sys_brk(SyscallFrame& f) {
    return static_cast<long>(program_break.move(user_address_space(), f.rdi));
}

long succeed(SyscallFrame&) {
    return 0;
}

} // namespace

void set_program_break(uint64_t start) {
    program_break.set_start(start);
}

void register_memory_syscalls() {
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
}

} // namespace kernel
