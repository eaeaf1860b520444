#include "mm/address_space.h"

#include "lib/string.h"
#include "lib/utility.h"

#include <ingot/abi/memory_layout.h>

namespace kernel {

namespace {

constexpr uint64_t page = abi::page_size;
// The largest file offset (Linux's MAX_LFS_FILESIZE on 64-bit).
constexpr uint64_t largest_file_offset = INT64_MAX;

bool is_file(const Region& region) {
    return region.file.inode.get() != nullptr;
}

// The size of the file a region maps; 0 (no page readable) when the file cannot say.
uint64_t file_size_of(const Region& region) {
    vfs::Attributes attributes;
    if (region.file.inode->attributes(attributes).is_error())
        return 0;
    return attributes.size;
}

uint64_t file_offset_at(const Region& region, uint64_t address) {
    return region.file.offset + (address - region.start);
}

// The same file mapping, seen from `delta` bytes further on.
FileBacking advanced(const FileBacking& backing, uint64_t delta) {
    FileBacking moved = backing;
    if (moved.inode)
        moved.offset += delta;
    return moved;
}

} // namespace

bool Region::file_identity(uint64_t& device, uint64_t& inode_number) const {
    if (!file.inode)
        return false;
    vfs::Attributes attributes;
    if (file.inode->attributes(attributes).is_error())
        return false;
    device = file.inode->file_system().device_id();
    inode_number = attributes.inode;
    return true;
}

AddressSpace::AddressSpace(FrameAllocator& frames, PageTable& page_table, uint64_t lowest,
                           uint64_t highest)
    : m_frames(frames), m_page_table(page_table), m_lowest(lowest), m_highest(highest) {}

AddressSpace::~AddressSpace() {
    while (Region* region = m_regions.take_first()) {
        (void)write_back(*region, region->start, region->end);
        release_pages(region->start, region->end);
        delete region;
    }
}

uint64_t AddressSpace::entry_flags(uint32_t prot) {
    uint64_t flags = pte::present | pte::user;
    if (prot & protection::write)
        flags |= pte::writable;
    if (!(prot & protection::execute))
        flags |= pte::no_execute;
    return flags;
}

size_t AddressSpace::region_count() const {
    size_t count = 0;
    for (auto& region : const_cast<AddressSpace*>(this)->m_regions) {
        (void)region;
        ++count;
    }
    return count;
}

const Region* AddressSpace::find(uint64_t address) const {
    for (auto& region : const_cast<AddressSpace*>(this)->m_regions) {
        if (address < region.start)
            return nullptr;
        if (address < region.end)
            return &region;
    }
    return nullptr;
}

bool AddressSpace::is_free(uint64_t start, uint64_t end) const {
    for (auto& region : const_cast<AddressSpace*>(this)->m_regions) {
        if (region.start < end && start < region.end)
            return false;
    }
    return true;
}

bool AddressSpace::is_accessible(uint64_t address, uint64_t length, Access access) const {
    uint64_t end;
    if (length == 0)
        return true;
    if (!range_end(address, length, end) || end > m_highest)
        return false;
    uint64_t cursor = address;
    uint32_t wanted = access == Access::Write ? protection::write : protection::read;
    for (auto& region : const_cast<AddressSpace*>(this)->m_regions) {
        if (region.end <= cursor)
            continue;
        if (region.start > cursor || !(region.protection & wanted))
            return false;
        cursor = region.end;
        if (cursor >= end)
            return true;
    }
    return false;
}

// Top-down first fit below the hint (the top of the mmap area), like Linux.
ErrorOr<uint64_t> AddressSpace::find_free(uint64_t length, uint64_t hint) const {
    uint64_t ceiling = min(hint ? hint : m_highest, m_highest);
    auto& regions = const_cast<AddressSpace*>(this)->m_regions;
    // Walk the gaps from the highest down: collect region bounds in order, scanning backwards.
    uint64_t best = 0;
    bool found = false;
    uint64_t gap_start = m_lowest;
    for (auto& region : regions) {
        uint64_t gap_end = min(region.start, ceiling);
        if (gap_end > gap_start && gap_end - gap_start >= length) {
            best = gap_end - length;
            found = true;
        }
        gap_start = max(gap_start, region.end);
    }
    if (ceiling > gap_start && ceiling - gap_start >= length) {
        best = ceiling - length;
        found = true;
    }
    if (!found)
        return ENOMEM;
    return align_down(best, page);
}

ErrorOr<Region*> AddressSpace::insert(uint64_t start, uint64_t end, uint32_t prot, RegionKind kind,
                                      FileBacking backing) {
    auto* region = new Region{start, end, prot, kind, {}, move(backing)};
    if (!region)
        return ENOMEM;
    for (auto& existing : m_regions) {
        if (existing.start >= end) {
            m_regions.insert_before(existing.node, *region);
            return region;
        }
    }
    m_regions.append(*region);
    return region;
}

ErrorOr<void> AddressSpace::split_at(uint64_t address) {
    for (auto& region : m_regions) {
        if (region.start < address && address < region.end) {
            auto* tail =
                new Region{address,     region.end, region.protection,
                           region.kind, {},         advanced(region.file, address - region.start)};
            if (!tail)
                return ENOMEM;
            region.end = address;
            m_regions.insert_before(*region.node.next, *tail);
            return {};
        }
        if (region.start >= address)
            break;
    }
    return {};
}

void AddressSpace::coalesce() {
    Region* previous = nullptr;
    for (auto& region : m_regions) {
        if (previous && previous->end == region.start &&
            previous->protection == region.protection && previous->kind == region.kind &&
            previous->file.inode == region.file.inode &&
            previous->file.shared == region.file.shared &&
            previous->file.may_write == region.file.may_write &&
            (!is_file(region) || file_offset_at(*previous, previous->end) == region.file.offset)) {
            previous->end = region.end;
            m_regions.remove(region);
            delete &region;
            continue;
        }
        previous = &region;
    }
}

void AddressSpace::release_pages(uint64_t start, uint64_t end) {
    for (uint64_t address = m_page_table.next_candidate(start, end); address < end;
         address = m_page_table.next_candidate(address + page, end)) {
        uint64_t old = m_page_table.unmap(address);
        if ((old & (pte::present | pte::kept)) && !(old & pte::borrowed))
            m_frames.free(old & pte::address_mask);
    }
}

// Stacks (the main one, MAP_STACK mappings such as thread stacks) are mostly never touched:
// their pages get frames on first touch, from the page fault or from populate(). A page going
// from not present to present needs no TLB flush.
bool backed_on_touch(RegionKind kind) {
    return kind == RegionKind::Stack;
}

ErrorOr<void> AddressSpace::back_page(uint64_t address, uint32_t prot) {
    uint64_t* entry = m_page_table.leaf(address);
    if (entry && (*entry & (pte::present | pte::kept)))
        return {};
    PhysicalAddress frame = TRY(m_frames.allocate(Zeroed::Yes));
    auto mapped = m_page_table.map(address, frame, entry_flags(prot));
    if (mapped.is_error()) {
        m_frames.free(frame);
        return mapped.error();
    }
    return {};
}

// A copy of the file's bytes at the page `address` maps into `frame` (zeroed first): the part
// past the end of the file reads as zero, as Linux's last page of a mapping does.
ErrorOr<void> AddressSpace::fill_from_file(const Region& region, uint64_t address,
                                           PhysicalAddress frame, uint64_t file_size) {
    uint8_t* destination = m_frames.to_virtual(frame);
    memset(destination, 0, page);
    uint64_t offset = file_offset_at(region, address);
    if (offset >= file_size)
        return {};
    size_t wanted = static_cast<size_t>(min<uint64_t>(page, file_size - offset));
    size_t done = 0;
    while (done < wanted) {
        size_t got = TRY(region.file.inode->read(
            offset + done, vfs::IoBuffer::kernel(destination + done), wanted - done));
        if (got == 0)
            break; // the file shrank meanwhile: the rest stays zero
        done += got;
    }
    return {};
}

ErrorOr<void> AddressSpace::back_file_page(const Region& region, uint64_t address, uint32_t prot,
                                           uint64_t file_size) {
    uint64_t offset = file_offset_at(region, address);
    if (offset >= file_size)
        return {}; // wholly past the end: Linux raises SIGBUS on access; no frame here
    bool writable = prot & protection::write;
    bool whole_page = file_size - offset >= page;
    // A private page may be the file's own only while nothing can write it, and only when all
    // of it is file: a lent last page may hold whatever follows the file in its storage.
    if (region.file.shared || (!writable && whole_page)) {
        auto lent = region.file.inode->page(offset, region.file.shared && writable);
        if (!lent.is_error())
            return m_page_table.map(address, lent.value(), entry_flags(prot) | pte::borrowed);
        if (lent.error().code() != ENODEV)
            return lent.error();
    }
    PhysicalAddress frame = TRY(m_frames.allocate(Zeroed::No));
    auto filled = fill_from_file(region, address, frame, file_size);
    if (!filled.is_error())
        filled = m_page_table.map(address, frame, entry_flags(prot));
    if (filled.is_error())
        m_frames.free(frame);
    return filled;
}

// A borrowed page gaining PROT_WRITE: a shared mapping asks the file system for the page it
// may write (an overlay copies the file up), a private one (and a program segment's page
// borrowed from the payload) gets its own copy.
ErrorOr<void> AddressSpace::make_writable(const Region& region, uint64_t address, uint64_t entry,
                                          uint32_t prot) {
    PhysicalAddress old_frame = entry & pte::address_mask;
    if (region.file.shared) {
        PhysicalAddress frame = TRY(region.file.inode->page(file_offset_at(region, address), true));
        m_page_table.set_entry(address, frame | entry_flags(prot) | pte::borrowed);
        return {};
    }
    PhysicalAddress frame = TRY(m_frames.allocate(Zeroed::No));
    memcpy(m_frames.to_virtual(frame), m_frames.to_virtual(old_frame), page);
    m_page_table.set_entry(address, frame | entry_flags(prot));
    return {};
}

ErrorOr<uint8_t*> AddressSpace::private_byte(uint64_t address) {
    const Region* region = find(address);
    uint64_t* entry = m_page_table.leaf(address);
    if (!region || region->file.shared || !entry || !(*entry & (pte::present | pte::kept)))
        return EFAULT;
    uint64_t offset = address & (page - 1);
    if (*entry & pte::borrowed) {
        PageTable::Batch batch(m_page_table);
        PhysicalAddress frame = TRY(m_frames.allocate(Zeroed::No));
        memcpy(m_frames.to_virtual(frame), m_frames.to_virtual(*entry & pte::address_mask), page);
        m_page_table.set_entry(address & ~(page - 1),
                               frame | (*entry & ~(pte::address_mask | pte::borrowed)));
    }
    return m_frames.to_virtual(*entry & pte::address_mask) + offset;
}

// The copies a shared file mapping holds in [start, end) go back to the file, within its
// current size (a mapping never extends a file).
ErrorOr<void> AddressSpace::write_back(const Region& region, uint64_t start, uint64_t end) {
    if (!is_file(region) || !region.file.shared)
        return {};
    uint64_t file_size = file_size_of(region);
    ErrorOr<void> result;
    for (uint64_t address = m_page_table.next_candidate(start, end); address < end;
         address = m_page_table.next_candidate(address + page, end)) {
        uint64_t* entry = m_page_table.leaf(address);
        if (!entry || !(*entry & (pte::present | pte::kept)) || (*entry & pte::borrowed))
            continue;
        uint64_t offset = file_offset_at(region, address);
        if (offset >= file_size)
            continue;
        size_t length = static_cast<size_t>(min<uint64_t>(page, file_size - offset));
        const uint8_t* source = m_frames.to_virtual(*entry & pte::address_mask);
        auto written = region.file.inode->write(offset, vfs::IoBuffer::kernel(source), length);
        if (written.is_error())
            result = written.error(); // the other pages still go back
        else if (written.value() != length)
            result = EIO;
    }
    return result;
}

ErrorOr<void> AddressSpace::populate(uint64_t address, uint64_t length, Access access) {
    if (!is_accessible(address, length, access))
        return EFAULT;
    if (length == 0)
        return {};
    uint64_t end = address + length; // is_accessible checked that it does not wrap
    uint64_t cursor = align_down(address, page);
    for (auto& region : m_regions) {
        if (region.end <= cursor)
            continue;
        if (region.start >= end)
            break;
        if (is_file(region)) {
            // Pages past the end of the file have no frame: the kernel must not touch them.
            // A page taken back by a truncate whose file has grown again is mapped afresh.
            uint64_t file_size = file_size_of(region);
            for (; cursor < region.end && cursor < end; cursor += page) {
                uint64_t* entry = m_page_table.leaf(cursor);
                if (entry && (*entry & pte::present))
                    continue;
                if (file_offset_at(region, cursor) >= file_size)
                    return EFAULT;
                TRY(back_file_page(region, cursor, region.protection, file_size));
            }
            continue;
        }
        if (!backed_on_touch(region.kind)) {
            cursor = region.end;
            continue;
        }
        for (; cursor < region.end && cursor < end; cursor += page)
            TRY(back_page(cursor, region.protection));
    }
    return {};
}

bool AddressSpace::back_on_fault(uint64_t address, Access access) {
    const Region* region = find(address);
    uint32_t wanted = access == Access::Write ? protection::write : protection::read;
    if (!region || !(region->protection & wanted))
        return false;
    uint64_t page_address = align_down(address, page);
    uint64_t* entry = m_page_table.leaf(page_address);
    if (entry && (*entry & (pte::present | pte::kept)))
        return false; // present: the access itself is refused
    if (is_file(*region)) {
        // A page a truncate took back, of a file that has grown again since.
        uint64_t file_size = file_size_of(*region);
        if (file_offset_at(*region, page_address) >= file_size)
            return false;
        PageTable::Batch batch(m_page_table);
        return !back_file_page(*region, page_address, region->protection, file_size).is_error();
    }
    if (!backed_on_touch(region->kind))
        return false;
    return !back_page(page_address, region->protection).is_error();
}

bool AddressSpace::beyond_file_end(uint64_t address, Access access) const {
    const Region* region = find(address);
    uint32_t wanted = access == Access::Write ? protection::write : protection::read;
    if (!region || !is_file(*region) || !(region->protection & wanted))
        return false;
    return file_offset_at(*region, align_down(address, page)) >= file_size_of(*region);
}

bool AddressSpace::maps_writably(const vfs::Inode& inode) const {
    for (auto& region : const_cast<AddressSpace*>(this)->m_regions)
        if (region.file.inode.get() == &inode && region.file.shared && region.file.may_write)
            return true;
    return false;
}

void AddressSpace::return_pages(const vfs::LentPages& pages, uint64_t from) {
    PageTable::Batch batch(m_page_table);
    for (auto& region : m_regions) {
        if (!is_file(region) || file_offset_at(region, region.end) <= from)
            continue;
        uint64_t start = region.start;
        if (region.file.offset < from)
            start += align_up(from - region.file.offset, page);
        for (uint64_t address = m_page_table.next_candidate(start, region.end);
             address < region.end;
             address = m_page_table.next_candidate(address + page, region.end)) {
            uint64_t* entry = m_page_table.leaf(address);
            if (!entry || !(*entry & (pte::present | pte::kept)) || !(*entry & pte::borrowed))
                continue;
            if (pages.lent(file_offset_at(region, address), *entry & pte::address_mask))
                m_page_table.unmap(address);
        }
    }
}

ErrorOr<void> AddressSpace::apply_protection(const Region& region, uint64_t start, uint64_t end,
                                             uint32_t prot) {
    if (prot == protection::none) {
        // Only pages that have frames change; reservations cost nothing.
        for (uint64_t address = m_page_table.next_candidate(start, end); address < end;
             address = m_page_table.next_candidate(address + page, end)) {
            uint64_t* entry = m_page_table.leaf(address);
            if (entry && (*entry & pte::present))
                m_page_table.set_entry(address,
                                       (*entry & (pte::address_mask | pte::borrowed)) | pte::kept);
        }
        return {};
    }
    bool file = is_file(region);
    uint64_t file_size = file ? file_size_of(region) : 0;
    for (uint64_t address = start; address < end; address += page) {
        uint64_t* entry = m_page_table.leaf(address);
        uint64_t current = entry ? *entry : 0;
        if (current & (pte::present | pte::kept)) {
            // Never write a borrowed page in place unless its file says so: on hvt the image's
            // pages (the program's segments, its files) are read-only to the guest.
            if ((current & pte::borrowed) && (prot & protection::write)) {
                TRY(make_writable(region, address, current, prot));
                continue;
            }
            m_page_table.set_entry(address, (current & (pte::address_mask | pte::borrowed)) |
                                                entry_flags(prot));
            continue;
        }
        if (backed_on_touch(region.kind))
            continue;
        if (file) {
            TRY(back_file_page(region, address, prot, file_size));
            continue;
        }
        TRY(back_page(address, prot));
    }
    return {};
}

ErrorOr<uint64_t> AddressSpace::map_anonymous(uint64_t address, uint64_t length, uint32_t prot,
                                              Placement placement, RegionKind kind) {
    return map_region(address, length, prot, placement, kind, {});
}

ErrorOr<uint64_t> AddressSpace::map_shared_anonymous(uint64_t address, uint64_t length,
                                                     uint32_t prot, Placement placement,
                                                     RegionKind kind) {
    FileBacking shared;
    shared.shared = true;
    shared.may_write = true;
    return map_region(address, length, prot, placement, kind, move(shared));
}

ErrorOr<uint64_t> AddressSpace::map_file(uint64_t address, uint64_t length, uint32_t prot,
                                         Placement placement, FileBacking backing) {
    // Linux's do_mmap: after the length checks, a file range that passes the largest file
    // offset is EOVERFLOW (file_mmap_ok with MAX_LFS_FILESIZE).
    if (length != 0 && length <= m_highest - m_lowest &&
        (backing.offset > largest_file_offset ||
         align_up(length, page) > largest_file_offset - backing.offset))
        return EOVERFLOW;
    return map_region(address, length, prot, placement, RegionKind::File, move(backing));
}

ErrorOr<uint64_t> AddressSpace::map_region(uint64_t address, uint64_t length, uint32_t prot,
                                           Placement placement, RegionKind kind,
                                           FileBacking backing) {
    PageTable::Batch batch(m_page_table);
    // Linux's do_mmap and get_unmapped_area, in their order: an empty length is EINVAL; one
    // that does not fit below the top (or would wrap when rounded up) ENOMEM; a fixed address
    // whose range does not fit ENOMEM, a misaligned one EINVAL, one below mmap_min_addr EPERM.
    if (length == 0)
        return EINVAL;
    if (length > m_highest - m_lowest)
        return ENOMEM; // also keeps align_up below from wrapping
    length = align_up(length, page);
    uint64_t start;
    if (placement == Placement::Anywhere || placement == Placement::Below) {
        start = TRY(find_free(length, placement == Placement::Below ? address : 0));
    } else {
        if (address > m_highest - length)
            return ENOMEM;
        if (!is_aligned(address, page))
            return EINVAL;
        if (address < m_lowest)
            return EPERM;
        uint64_t end = address + length;
        if (!is_free(address, end)) {
            if (placement == Placement::FixedNoReplace)
                return EEXIST;
            TRY(unmap(address, length));
        }
        start = address;
    }
    Region* region = TRY(insert(start, start + length, prot, kind, move(backing)));
    auto backed = apply_protection(*region, start, start + length, prot);
    if (backed.is_error()) {
        (void)unmap(start, length);
        return backed.error();
    }
    coalesce();
    return start;
}

ErrorOr<void> AddressSpace::add_region(uint64_t start, uint64_t end, uint32_t prot,
                                       RegionKind kind) {
    if (start >= end || !is_free(start, end))
        return EEXIST;
    TRY(insert(start, end, prot, kind, {}));
    return {};
}

ErrorOr<void> AddressSpace::unmap(uint64_t address, uint64_t length) {
    PageTable::Batch batch(m_page_table);
    // Linux's munmap: EINVAL unless the whole range lies below the top (TASK_SIZE), so kernel
    // and non-canonical addresses are refused rather than "unmapped".
    if (!is_aligned(address, page) || length == 0 || address > m_highest ||
        length > m_highest - address)
        return EINVAL;
    uint64_t end = address + align_up(length, page); // m_highest is page-aligned: no wrap
    TRY(split_at(address));
    TRY(split_at(end));
    for (auto& region : m_regions) {
        if (region.start >= end)
            break;
        if (region.start >= address) {
            // munmap reports no write-back error (Linux's neither); msync is where they show.
            (void)write_back(region, region.start, region.end);
            release_pages(region.start, region.end);
            m_regions.remove(region);
            delete &region;
        }
    }
    return {};
}

ErrorOr<void> AddressSpace::protect(uint64_t address, uint64_t length, uint32_t prot) {
    PageTable::Batch batch(m_page_table);
    // Linux's do_mprotect_pkey, in its order: misaligned EINVAL, empty 0, a range that wraps
    // when rounded up ENOMEM, unknown protection bits EINVAL, then ENOMEM for any hole, and
    // EACCES for write access to a shared file mapping whose descriptor was read-only.
    uint64_t end;
    if (!is_aligned(address, page))
        return EINVAL;
    if (length == 0)
        return {};
    if (length > m_highest || !range_end(address, align_up(length, page), end))
        return ENOMEM;
    if (prot & ~(protection::read | protection::write | protection::execute))
        return EINVAL;
    // Linux: ENOMEM when part of the range is not mapped.
    uint64_t cursor = address;
    for (auto& region : m_regions) {
        if (region.end <= cursor)
            continue;
        if (region.start > cursor)
            return ENOMEM;
        if ((prot & protection::write) && region.file.shared && !region.file.may_write)
            return EACCES;
        cursor = region.end;
        if (cursor >= end)
            break;
    }
    if (cursor < end)
        return ENOMEM;
    // Check there are frames for every page that would need one first, so that running out
    // never leaves the tables and the regions disagreeing halfway.
    if (prot != protection::none) {
        size_t needed = 0;
        for (auto& region : m_regions) {
            if (region.start >= end)
                break;
            if (region.end <= address || backed_on_touch(region.kind))
                continue;
            bool copies_lent = !region.file.shared && (prot & protection::write);
            uint64_t from = max(region.start, address), to = min(region.end, end);
            for (uint64_t page_address = from; page_address < to; page_address += page) {
                uint64_t* entry = m_page_table.leaf(page_address);
                if (!entry || !(*entry & (pte::present | pte::kept)) ||
                    (copies_lent && (*entry & pte::borrowed)))
                    ++needed;
            }
        }
        // Page-table pages too: at most one per 2 MiB, plus the levels above.
        size_t tables = (end - address) / abi::large_page_size + 4;
        if (needed && needed + tables > m_frames.free_frames())
            return ENOMEM;
    }
    TRY(split_at(address));
    TRY(split_at(end));
    for (auto& region : m_regions) {
        if (region.start >= end)
            break;
        if (region.start >= address) {
            TRY(apply_protection(region, region.start, region.end, prot));
            region.protection = prot;
        }
    }
    coalesce();
    return {};
}

ErrorOr<void> AddressSpace::check_advice_range(uint64_t address, uint64_t length) const {
    // Linux's madvise: misaligned EINVAL, a length that wraps when rounded up (or a range that
    // wraps) EINVAL, empty 0, and ENOMEM when part of the range is not mapped.
    uint64_t end;
    if (!is_aligned(address, page) || length > UINT64_MAX - (page - 1) ||
        !range_end(address, align_up(length, page), end))
        return EINVAL;
    uint64_t cursor = address;
    for (auto& region : const_cast<AddressSpace*>(this)->m_regions) {
        if (cursor >= end)
            break;
        if (region.end <= cursor)
            continue;
        if (region.start > cursor)
            return ENOMEM;
        cursor = region.end;
    }
    if (cursor < end)
        return ENOMEM;
    return {};
}

ErrorOr<void> AddressSpace::discard(uint64_t address, uint64_t length) {
    auto checked = check_advice_range(address, length);
    if (checked.is_error() && checked.error().code() != ENOMEM)
        return checked;
    // The mapped parts are discarded even when there are holes, as Linux does. Private
    // anonymous pages read back as zero; a private file page reads back as the file; a shared
    // one keeps what it holds: shared anonymous memory is one object (shmem in Linux), and a
    // shared file page is the file's (lent) or goes to it (a copy).
    uint64_t end = address + align_up(length, page);
    for (auto& region : m_regions) {
        if (region.start >= end)
            break;
        if (region.end <= address || region.file.shared)
            continue;
        uint64_t from = max(region.start, address), to = min(region.end, end);
        uint64_t file_size = is_file(region) ? file_size_of(region) : 0;
        for (uint64_t cursor = m_page_table.next_candidate(from, to); cursor < to;
             cursor = m_page_table.next_candidate(cursor + page, to)) {
            uint64_t* entry = m_page_table.leaf(cursor);
            if (!entry || !(*entry & (pte::present | pte::kept)) || (*entry & pte::borrowed))
                continue;
            PhysicalAddress frame = *entry & pte::address_mask;
            if (is_file(region))
                TRY(fill_from_file(region, cursor, frame, file_size));
            else
                memset(m_frames.to_virtual(frame), 0, page);
        }
    }
    return checked;
}

ErrorOr<void> AddressSpace::sync(uint64_t address, uint64_t length, bool wait) {
    // Linux's msync, in its order: a misaligned address EINVAL; the length rounded up, a range
    // that wraps ENOMEM, an empty one 0; the mapped parts synced, ENOMEM if there was a hole.
    uint64_t end;
    if (!is_aligned(address, page))
        return EINVAL;
    if (length > UINT64_MAX - (page - 1) || !range_end(address, align_up(length, page), end))
        return ENOMEM;
    if (address == end)
        return {};
    bool hole = false;
    uint64_t cursor = address;
    for (auto& region : m_regions) {
        if (cursor >= end)
            break;
        if (region.end <= cursor)
            continue;
        if (region.start > cursor)
            hole = true;
        uint64_t to = min(region.end, end);
        if (is_file(region) && region.file.shared) {
            TRY(write_back(region, max(region.start, cursor), to));
            if (wait)
                TRY(region.file.inode->sync());
        }
        cursor = to;
    }
    if (hole || cursor < end)
        return ENOMEM;
    return {};
}

// The checks both forms of mremap begin with: a misaligned address EINVAL; lengths rounded up
// to pages (one that wraps becomes 0); a new length of 0 or above the top EINVAL.
ErrorOr<void> AddressSpace::check_remap_lengths(uint64_t address, uint64_t& old_length,
                                                uint64_t& new_length) const {
    if (!is_aligned(address, page))
        return EINVAL;
    old_length = align_up(old_length, page);
    new_length = align_up(new_length, page);
    if (new_length == 0 || new_length > m_highest)
        return EINVAL;
    return {};
}

ErrorOr<uint64_t> AddressSpace::resize(uint64_t address, uint64_t old_length, uint64_t new_length,
                                       bool may_move) {
    PageTable::Batch batch(m_page_table);
    // Linux's mremap (6.18's check_mremap_params and check_prep_vma), in its order: a
    // misaligned address EINVAL; lengths rounded up to pages (one that wraps becomes 0); a new
    // length of 0 or above the top EINVAL; no mapping at the address EFAULT; shrinking unmaps
    // the tail; growing needs the old range inside the mapping (EFAULT), and a private one is
    // never duplicated from an old length of 0 (EINVAL); a new length that fits nowhere ENOMEM.
    TRY(check_remap_lengths(address, old_length, new_length));
    const Region* region = find(address);
    if (!region)
        return EFAULT;
    if (new_length <= old_length) {
        if (new_length < old_length)
            TRY(unmap(address + new_length, old_length - new_length));
        return address;
    }
    if (old_length > region->end - address)
        return EFAULT;
    if (old_length == 0)
        return EINVAL;
    uint64_t old_end = address + old_length;
    uint32_t prot = region->protection;
    RegionKind kind = region->kind;
    // A file mapping grows over the file's next bytes.
    FileBacking backing = advanced(region->file, address - region->start);
    uint64_t grown_end;
    if (range_end(address, new_length, grown_end) && grown_end <= m_highest &&
        is_free(old_end, grown_end)) {
        TRY(map_region(old_end, grown_end - old_end, prot, Placement::Fixed, kind,
                       advanced(backing, old_length)));
        return address;
    }
    if (!may_move || new_length > m_highest - m_lowest)
        return ENOMEM;
    uint64_t target = TRY(find_free(new_length, 0));
    TRY(move_pages(address, old_length, target, new_length, prot, kind, backing));
    return target;
}

ErrorOr<uint64_t> AddressSpace::move_to(uint64_t address, uint64_t old_length, uint64_t new_length,
                                        uint64_t target) {
    PageTable::Batch batch(m_page_table);
    // Linux's mremap with MREMAP_FIXED (6.18's check_mremap_params, check_prep_vma and
    // mremap_to), in their order: the checks of resize(), then a misaligned target, one whose
    // range passes the top, or ranges that overlap, EINVAL; the mapping must hold the old
    // range (EFAULT); what was at the target is unmapped, and so is the old range's excess.
    TRY(check_remap_lengths(address, old_length, new_length));
    if (!is_aligned(target, page) || target > m_highest - new_length)
        return EINVAL;
    uint64_t old_end;
    if (!range_end(address, old_length, old_end))
        old_end = UINT64_MAX;
    if (old_end > target && target + new_length > address)
        return EINVAL;
    const Region* region = find(address);
    if (!region || old_length > region->end - address)
        return EFAULT;
    if (old_length == 0)
        return EINVAL;
    if (target < m_lowest)
        return EPERM;
    uint32_t prot = region->protection;
    RegionKind kind = region->kind;
    FileBacking backing = advanced(region->file, address - region->start);
    TRY(unmap(target, new_length));
    if (old_length > new_length) {
        TRY(unmap(address + new_length, old_length - new_length));
        old_length = new_length;
    }
    TRY(move_pages(address, old_length, target, new_length, prot, kind, backing));
    return target;
}

// Moves the pages of [address, address + old_length) to the free range at `target`, which
// becomes a region of `new_length` (the rest backed afresh: from the file's following bytes
// for a file mapping), and unmaps the old range.
ErrorOr<void> AddressSpace::move_pages(uint64_t address, uint64_t old_length, uint64_t target,
                                       uint64_t new_length, uint32_t prot, RegionKind kind,
                                       const FileBacking& backing) {
    // Frames for the pages added and the page tables at the target (at most one per 2 MiB,
    // plus the levels above) are checked first: running out half-way would leave regions the
    // page tables no longer back.
    size_t needed = (new_length - old_length) / page + new_length / abi::large_page_size + 4;
    if (needed > m_frames.free_frames())
        return ENOMEM;
    Region* moved = TRY(insert(target, target + new_length, prot, kind, backing));
    for (uint64_t offset = 0; offset < old_length; offset += page) {
        uint64_t entry = m_page_table.unmap(address + offset);
        if (!(entry & (pte::present | pte::kept)))
            continue;
        auto remapped = m_page_table.map(target + offset, entry & pte::address_mask,
                                         entry & ~pte::address_mask);
        if (remapped.is_error()) {
            if (!(entry & pte::borrowed))
                m_frames.free(entry & pte::address_mask);
            return remapped.error();
        }
    }
    TRY(unmap(address, old_length));
    TRY(apply_protection(*moved, target + old_length, target + new_length, prot));
    coalesce();
    return {};
}

} // namespace kernel
