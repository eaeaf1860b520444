// The program's half of the one address space: a sorted list of regions with their
// protection, kept in step with the page tables. A page gets its frame when it becomes
// accessible, except in stacks, where it gets one on first touch (a page fault in the program,
// populate() before the kernel touches it); PROT_NONE reservations cost no memory. Each
// operation leaves no stale translation behind, and invalidates what it changed at most once.
//
// A region may map a file (mmap(2) of a descriptor, the interpreter's segments). Its pages are
// the file system's own frames where it lends them (Inode::page) and the mapping allows it:
// shared mappings, and private ones that are not writable and whose page lies wholly inside
// the file. Otherwise the page is a copy read through Inode::read, made when the page becomes
// accessible: there are no copy-on-write faults (hvt's hosts do not deliver them), so private
// copies are eager and cover only the mapped range. Copies in a shared mapping are written back
// on msync and munmap. Pages wholly past the end of the file get no frame: touching one is
// SIGBUS (mmap(2)). A file system that frees pages it lent (truncate) takes them back first
// (return_pages), and a page of a file that has grown back is mapped on its first touch.
#pragma once

#include "arch/x86_64/page_table.h"
#include "fs/vfs/inode.h"
#include "fs/vfs/lent_pages.h"
#include "lib/error_or.h"
#include "lib/intrusive_list.h"
#include "lib/ref_counted.h"
#include "mm/mapping_name.h"

#include <stdint.h>

namespace kernel {

namespace protection {
inline constexpr uint32_t none = 0;
inline constexpr uint32_t read = 1;
inline constexpr uint32_t write = 2;
inline constexpr uint32_t execute = 4;
} // namespace protection

// Vvar and Vdso: the vDSO's pages (loader/vdso_loader.h). SyscallStubs: the code rewritten
// syscall sites jump to (linux/syscall_rewriter.h).
enum class RegionKind : uint8_t { Anonymous, Program, Heap, Stack, File, Vvar, Vdso, SyscallStubs };

// What a file-backed region maps. `offset` is the file offset of the region's first byte.
struct FileBacking {
    RefPtr<vfs::Inode> inode;
    uint64_t offset = 0;
    bool shared = false; // MAP_SHARED: stores reach the file
    // MAP_SHARED of a descriptor open for writing: mprotect may add PROT_WRITE later (Linux's
    // VM_MAYWRITE); without it, EACCES.
    bool may_write = false;
    RefPtr<MappingName> name; // the path it was mapped through; null: unnamed
};

struct Region {
    uint64_t start;
    uint64_t end;
    uint32_t protection;
    RegionKind kind;
    ListNode node;
    FileBacking file;

    // What /proc/self/maps shows: the inode mapped (null for anonymous memory), the file offset
    // of `start`, and st_dev/st_ino (false for anonymous memory or when the inode cannot say).
    vfs::Inode* inode() const { return file.inode.get(); }
    uint64_t file_offset() const { return file.offset; }
    bool is_shared() const { return file.shared; }
    // The path the file was mapped through; empty when unknown.
    StringView file_name() const { return file.name ? file.name->path() : StringView(); }
    bool file_identity(uint64_t& device, uint64_t& inode_number) const;
};

// Below: the highest free range that ends at or below the address given.
enum class Placement { Anywhere, Below, Fixed, FixedNoReplace };

enum class Access { Read, Write };

class AddressSpace final : public vfs::PageBorrower {
public:
    AddressSpace(FrameAllocator& frames, PageTable& page_table, uint64_t lowest, uint64_t highest);
    ~AddressSpace();

    // Reserves (and backs, when accessible) [address, address + length).
    ErrorOr<uint64_t> map_anonymous(uint64_t address, uint64_t length, uint32_t protection,
                                    Placement placement, RegionKind kind);
    // MAP_SHARED|MAP_ANONYMOUS: anonymous memory whose pages outlive MADV_DONTNEED, as Linux's
    // shmem-backed ones do, and which /proc/self/maps shows shared.
    ErrorOr<uint64_t> map_shared_anonymous(uint64_t address, uint64_t length, uint32_t protection,
                                           Placement placement, RegionKind kind);
    // mmap of a file: [address, address + length) maps the file from `backing.offset`.
    // EOVERFLOW when the file range would pass the largest file offset.
    ErrorOr<uint64_t> map_file(uint64_t address, uint64_t length, uint32_t protection,
                               Placement placement, FileBacking backing);
    // msync: writes the copied pages of shared file mappings in the range back to their files,
    // and with `wait` (MS_SYNC) syncs the files too. EINVAL misaligned, ENOMEM (after syncing
    // the mapped parts) when part of the range is not mapped.
    ErrorOr<void> sync(uint64_t address, uint64_t length, bool wait);
    // Records a region whose pages the caller maps itself (the program's segments).
    ErrorOr<void> add_region(uint64_t start, uint64_t end, uint32_t protection, RegionKind kind);
    ErrorOr<void> unmap(uint64_t address, uint64_t length);
    ErrorOr<void> protect(uint64_t address, uint64_t length, uint32_t protection);
    // mremap: resizes the single region at `address`, moving its pages when it must grow
    // and `may_move`. Returns the new address.
    ErrorOr<uint64_t> resize(uint64_t address, uint64_t old_length, uint64_t new_length,
                             bool may_move);
    // mremap with MREMAP_FIXED: moves the region's range to `target`, replacing what was there.
    ErrorOr<uint64_t> move_to(uint64_t address, uint64_t old_length, uint64_t new_length,
                              uint64_t target);
    // MADV_DONTNEED: accessible private anonymous pages read back as zero, private file pages
    // as the file, shared pages keep what they hold; ENOMEM (after discarding the mapped parts)
    // when part of the range is not mapped.
    ErrorOr<void> discard(uint64_t address, uint64_t length);
    // madvise's checks for any other advice: EINVAL for a bad range, ENOMEM for a hole.
    ErrorOr<void> check_advice_range(uint64_t address, uint64_t length) const;

    // The kernel's pointer to the byte at `address` in a frame of the private mapping's own,
    // for the kernel to patch the code the program runs (linux/syscall_rewriter.h): a page
    // lent by a file system or the payload is copied first; the protection stays. EFAULT for
    // an unmapped page or a shared mapping, ENOMEM when out of frames.
    ErrorOr<uint8_t*> private_byte(uint64_t address);
    // True when every byte of the range is mapped with the access wanted.
    bool is_accessible(uint64_t address, uint64_t length, Access access) const;
    // is_accessible, and every page of the range backed: the kernel may touch it. EFAULT when
    // not accessible, ENOMEM when out of frames.
    ErrorOr<void> populate(uint64_t address, uint64_t length, Access access);
    // A page fault in the program at `address`: backs the page if it is one that waits for its
    // first touch. False: the access is refused (the program gets SIGSEGV) or memory ran out.
    bool back_on_fault(uint64_t address, Access access);
    // A refused access to a page of a file mapping wholly past the end of the file, which the
    // mapping's protection allows: Linux sends SIGBUS (BUS_ADRERR) for it, not SIGSEGV.
    bool beyond_file_end(uint64_t address, Access access) const;
    // Whether a shared mapping of `inode` may write it, now or after mprotect (Linux's
    // mapping_writably_mapped): what F_SEAL_WRITE waits to see gone (EBUSY).
    bool maps_writably(const vfs::Inode& inode) const;
    // Unmaps the lent pages a file system is about to free (vfs::PageBorrower).
    void return_pages(const vfs::LentPages& pages, uint64_t from) override;
    const Region* find(uint64_t address) const;
    // Every region in address order, read only (/proc/self/maps): visit(const Region&).
    template <typename Visit> void for_each_region(Visit&& visit) const {
        for (const Region& region : const_cast<IntrusiveList<Region, &Region::node>&>(m_regions))
            visit(region);
    }

    static uint64_t entry_flags(uint32_t protection);
    PageTable& page_table() { return m_page_table; }
    size_t region_count() const;

private:
    ErrorOr<uint64_t> find_free(uint64_t length, uint64_t hint) const;
    bool is_free(uint64_t start, uint64_t end) const;
    ErrorOr<void> split_at(uint64_t address);
    void coalesce();
    void release_pages(uint64_t start, uint64_t end);
    ErrorOr<uint64_t> map_region(uint64_t address, uint64_t length, uint32_t protection,
                                 Placement placement, RegionKind kind, FileBacking backing);
    ErrorOr<void> apply_protection(const Region& region, uint64_t start, uint64_t end,
                                   uint32_t protection);
    ErrorOr<void> back_page(uint64_t address, uint32_t protection);
    ErrorOr<void> back_file_page(const Region& region, uint64_t address, uint32_t protection,
                                 uint64_t file_size);
    ErrorOr<void> make_writable(const Region& region, uint64_t address, uint64_t entry,
                                uint32_t protection);
    ErrorOr<void> fill_from_file(const Region& region, uint64_t address, PhysicalAddress frame,
                                 uint64_t file_size);
    ErrorOr<void> write_back(const Region& region, uint64_t start, uint64_t end);
    ErrorOr<void> check_remap_lengths(uint64_t address, uint64_t& old_length,
                                      uint64_t& new_length) const;
    ErrorOr<void> move_pages(uint64_t address, uint64_t old_length, uint64_t target,
                             uint64_t new_length, uint32_t protection, RegionKind kind,
                             const FileBacking& backing);
    ErrorOr<Region*> insert(uint64_t start, uint64_t end, uint32_t protection, RegionKind kind,
                            FileBacking backing);

    FrameAllocator& m_frames;
    PageTable& m_page_table;
    uint64_t m_lowest;
    uint64_t m_highest;
    IntrusiveList<Region, &Region::node> m_regions;
};

} // namespace kernel
