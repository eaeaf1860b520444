// mmap and friends over the one address space, and the program break.
#include "fs/fd_table.h"
#include "fs/vfs/inode.h"
#include "lib/log.h"
#include "lib/utility.h"
#include "linux/program_break.h"
#include "linux/syscall_table.h"
#include "mm/frame_allocator.h"
#include "mm/user_memory.h"

#include <ingot/abi/memory_layout.h>

namespace kernel {

namespace {

constexpr unsigned map_shared = 0x01;
constexpr unsigned map_private = 0x02;
constexpr unsigned map_shared_validate = 0x03;
constexpr unsigned map_type = 0x0f;
constexpr unsigned map_fixed = 0x10;
constexpr unsigned map_anonymous = 0x20;
constexpr unsigned map_growsdown = 0x100;
constexpr unsigned map_stack = 0x20000;
constexpr unsigned map_fixed_noreplace = 0x100000;
// Linux's LEGACY_MAP_MASK (include/linux/mman.h): the flags MAP_SHARED_VALIDATE accepts for a
// file whose file system supports no extra ones (MAP_SYNC needs DAX, which none here has).
// MAP_SHARED and MAP_PRIVATE ignore the others, for old programs' sake.
constexpr unsigned legacy_map_mask =
    map_shared | map_private | map_fixed | map_anonymous | 0x40 /* MAP_32BIT */ | map_growsdown |
    0x800 /* MAP_DENYWRITE */ | 0x1000 /* MAP_EXECUTABLE */ | 0x2000 /* MAP_LOCKED */ |
    0x4000 /* MAP_NORESERVE */ | 0x8000 /* MAP_POPULATE */ | 0x10000 /* MAP_NONBLOCK */ |
    map_stack | 0x40000 /* MAP_HUGETLB */ | 0x7c000000 /* MAP_UNINITIALIZED, MAP_HUGE_2MB, _1GB */;
constexpr uint64_t mremap_maymove = 1;
constexpr uint64_t mremap_fixed = 2;
constexpr uint64_t mremap_dontunmap = 4;
constexpr int madv_dontneed = 4;
constexpr int ms_async = 1, ms_invalidate = 2, ms_sync = 4;
constexpr uint32_t known_protection = protection::read | protection::write | protection::execute;
constexpr uint32_t prot_sem = 0x8; // accepted and meaningless on x86 (arch_validate_prot)
constexpr uint32_t prot_growsdown = 0x01000000;
constexpr uint32_t prot_growsup = 0x02000000;

ProgramBreak program_break;

// do_mmap's switch on the mapping type: a file may be mapped shared, shared with its flags
// validated, or private; anonymous memory shared or private only.
bool is_valid_type(unsigned flags) {
    unsigned type = flags & map_type;
    if (type == map_shared_validate)
        return !(flags & map_anonymous);
    return type == map_shared || type == map_private;
}

RegionKind kind_of(unsigned flags) {
    return (flags & map_stack) ? RegionKind::Stack : RegionKind::Anonymous;
}

// madvise_behavior_valid() of Linux with KSM and transparent huge pages, less the
// memory-failure injection (100, 101) and guard-region (102, 103) advice.
bool is_known_advice(int advice) {
    return (advice >= 0 && advice <= 4) || (advice >= 8 && advice <= 25);
}

// MREMAP_DONTUNMAP: the pages move (to `new_address` with MREMAP_FIXED, else anywhere free)
// and the old range stays mapped with its protection, empty: it reads back as zero, as Linux's
// private anonymous mappings do. Only anonymous mappings (stacks included) may, as Linux 5.7 to
// 5.12 allowed: the program's own segments would read back from its file in Linux.
ErrorOr<long> move_leaving_empty(uint64_t address, size_t length, bool fixed,
                                 uint64_t new_address) {
    if (!is_aligned(address, abi::page_size) || length == 0)
        return EINVAL;
    auto& space = user_address_space();
    const Region* region = space.find(address);
    if (!region)
        return EFAULT;
    if (region->kind != RegionKind::Anonymous && region->kind != RegionKind::Stack)
        return EINVAL;
    uint32_t old_protection = region->protection;
    RegionKind old_kind = region->kind;
    // The old range is backed afresh after the move (with a few page tables): refuse now what
    // could not be, rather than fail half-way with the pages already gone.
    uint64_t pages = align_up(length, abi::page_size) / abi::page_size;
    if (pages > frame_allocator().free_frames() / 2)
        return ENOMEM;
    uint64_t target = new_address;
    if (!fixed)
        target = TRY(space.map_anonymous(0, length, protection::none, Placement::Anywhere,
                                         RegionKind::Anonymous));
    auto moved = space.move_to(address, length, length, target);
    if (moved.is_error()) {
        if (!fixed)
            (void)space.unmap(target, length);
        return moved.error();
    }
    TRY(space.map_anonymous(address, length, old_protection, Placement::Fixed, old_kind));
    return static_cast<long>(moved.value());
}

// The path /proc/self/maps shows for a mapping of `file`: the one it was opened by.
RefPtr<MappingName> name_of(File& file) {
    char* path = new char[vfs::path_max];
    if (!path)
        return nullptr; // the mapping still works, unnamed
    size_t length = file.describe(path, vfs::path_max);
    auto name = MappingName::make(StringView(path, length));
    delete[] path;
    return name;
}

// What a mapping of descriptor `fd` maps, with Linux's checks (do_mmap's file branch): EBADF
// for no open file; EOPNOTSUPP for a flag MAP_SHARED_VALIDATE does not know; EACCES for a shared
// writable mapping of a descriptor not open for writing, or any mapping of one not open for
// reading; ENODEV for a file with no pages to map (a pipe, a socket, a directory).
ErrorOr<FileBacking> file_backing(int fd, uint32_t protection, unsigned flags, uint64_t offset) {
    auto file = TRY(fd_table::get_reference(fd));
    unsigned type = flags & map_type;
    bool shared = type == map_shared || type == map_shared_validate;
    if (type == map_shared_validate && (flags & ~legacy_map_mask))
        return ENOTSUP; // Linux's EOPNOTSUPP, the same number
    uint32_t mode = file->access_mode();
    if (mode == o_wronly || (shared && (protection & protection::write) && mode != o_rdwr))
        return EACCES;
    vfs::Inode* inode = file->inode();
    if (!inode || inode->type() != vfs::NodeType::Regular)
        return ENODEV;
    bool may_write = shared && mode == o_rdwr;
    // A file sealed against writes takes no shared writable mapping (EPERM), and a shared
    // read-only one can never become writable (mprotect: EACCES), as memfd_create(2) says.
    auto seals = inode->seals();
    if (shared && !seals.is_error() &&
        (seals.value() & (vfs::seal::write | vfs::seal::future_write))) {
        if (protection & protection::write)
            return EPERM;
        may_write = false;
    }
    return FileBacking{RefPtr<vfs::Inode>(inode), offset, shared, may_write, name_of(*file)};
}

// Places a mapping as Linux's get_unmapped_area does: at a fixed address (replacing or not
// what is there), else at the hint rounded up to a page when it is free, else anywhere.
template <typename MapAt> ErrorOr<uint64_t> place(uint64_t address, unsigned flags, MapAt map_at) {
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

ErrorOr<long> sys_mmap(uint64_t address, size_t length, unsigned protection, unsigned flags, int fd,
                       uint64_t offset) {
    // x86's sys_mmap refuses a misaligned offset first, even for an anonymous mapping; then
    // the descriptor is looked up before the length is looked at.
    if (!is_aligned(offset, abi::page_size))
        return EINVAL;
    if (!(flags & map_anonymous))
        TRY(fd_table::get(fd));
    if (length == 0 || !is_valid_type(flags))
        return EINVAL;
    // mmap, unlike mprotect, ignores the protection bits it does not know (calc_vm_prot_bits):
    // PROT_SEM, PROT_GROWSDOWN and unused ones alike.
    protection &= known_protection;
    auto& space = user_address_space();
    if ((flags & map_anonymous) && (flags & map_type) == map_shared) {
        // do_mmap: shared anonymous memory cannot grow down.
        if (flags & map_growsdown)
            return EINVAL;
        return as_syscall_result(place(address, flags, [&](uint64_t at, Placement how) {
            return space.map_shared_anonymous(at, length, protection, how, kind_of(flags));
        }));
    }
    if (flags & map_anonymous)
        return as_syscall_result(place(address, flags, [&](uint64_t at, Placement how) {
            return space.map_anonymous(at, length, protection, how, kind_of(flags));
        }));
    FileBacking backing = TRY(file_backing(fd, protection, flags, offset));
    return as_syscall_result(place(address, flags, [&](uint64_t at, Placement how) {
        return space.map_file(at, length, protection, how, backing);
    }));
}

ErrorOr<long> sys_munmap(uint64_t address, size_t length) {
    return as_syscall_result(user_address_space().unmap(address, length));
}

ErrorOr<long> sys_mprotect(uint64_t address, size_t length, unsigned protection) {
    uint32_t grows = protection & (prot_growsdown | prot_growsup);
    if (grows == (prot_growsdown | prot_growsup))
        return EINVAL;
    // The other bits are checked by protect(), after the range, in Linux's order.
    protection &= ~(grows | prot_sem);
    return as_syscall_result(user_address_space().protect(address, length, protection));
}

ErrorOr<long> sys_madvise(uint64_t address, size_t length, int advice) {
    if (!is_known_advice(advice))
        return EINVAL;
    auto& space = user_address_space();
    if (advice == madv_dontneed)
        return as_syscall_result(space.discard(address, length));
    return as_syscall_result(space.check_advice_range(address, length)); // advice only
}

ErrorOr<long> sys_mremap(uint64_t address, size_t old_length, size_t new_length,
                         unsigned long flags, uint64_t new_address) {
    if (flags & ~(mremap_maymove | mremap_fixed | mremap_dontunmap))
        return EINVAL;
    // Linux: MREMAP_FIXED needs MREMAP_MAYMOVE; MREMAP_DONTUNMAP too, and equal lengths.
    if ((flags & mremap_fixed) && !(flags & mremap_maymove))
        return EINVAL;
    if ((flags & mremap_dontunmap) && (!(flags & mremap_maymove) || old_length != new_length))
        return EINVAL;
    if (flags & mremap_dontunmap)
        return move_leaving_empty(address, old_length, flags & mremap_fixed, new_address);
    if (flags & mremap_fixed)
        return as_syscall_result(
            user_address_space().move_to(address, old_length, new_length, new_address));
    return as_syscall_result(
        user_address_space().resize(address, old_length, new_length, flags & mremap_maymove));
}

ErrorOr<long> sys_brk(uint64_t address) {
    return static_cast<long>(program_break.move(user_address_space(), address));
}

// Every page is resident and there is no swap: these have nothing to do.
ErrorOr<long> sys_mlock(uint64_t, size_t) {
    return 0;
}

ErrorOr<long> sys_munlock(uint64_t, size_t) {
    return 0;
}

ErrorOr<long> sys_mlockall(int) {
    return 0;
}

ErrorOr<long> sys_munlockall() {
    return 0;
}

// msync(2): MS_ASYNC and MS_SYNC both write the shared mappings' copies back now (there is no
// later); MS_SYNC also syncs the files. MS_INVALIDATE has nothing to drop.
ErrorOr<long> sys_msync(uint64_t address, size_t length, int flags) {
    if (flags & ~(ms_async | ms_invalidate | ms_sync))
        return EINVAL;
    if ((flags & ms_async) && (flags & ms_sync))
        return EINVAL;
    return as_syscall_result(user_address_space().sync(address, length, flags & ms_sync));
}

void set_program_break(uint64_t start) {
    program_break.set_start(start);
}

} // namespace kernel
