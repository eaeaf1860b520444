#include "mm/address_space.h"

#include "lib/string.h"
#include "lib/utility.h"

#include <ingot/abi/memory_layout.h>

namespace kernel {

namespace {
constexpr uint64_t page = abi::page_size;
}

AddressSpace::AddressSpace(FrameAllocator& frames, PageTable& page_table, uint64_t lowest,
                           uint64_t highest)
    : m_frames(frames), m_page_table(page_table), m_lowest(lowest), m_highest(highest) {}

AddressSpace::~AddressSpace() {
    while (Region* region = m_regions.take_first()) {
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

ErrorOr<Region*> AddressSpace::insert(uint64_t start, uint64_t end, uint32_t prot,
                                      RegionKind kind) {
    auto* region = new Region{start, end, prot, kind, {}};
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
            auto* tail = new Region{address, region.end, region.protection, region.kind, {}};
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
            previous->protection == region.protection && previous->kind == region.kind) {
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
        if (old & (pte::present | pte::kept))
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
    if (!region || !(region->protection & wanted) || !backed_on_touch(region->kind))
        return false;
    uint64_t* entry = m_page_table.leaf(align_down(address, page));
    if (entry && (*entry & (pte::present | pte::kept)))
        return false; // present: the access itself is refused
    return !back_page(align_down(address, page), region->protection).is_error();
}

ErrorOr<void> AddressSpace::apply_protection(uint64_t start, uint64_t end, uint32_t prot,
                                             RegionKind kind) {
    if (prot == protection::none) {
        // Only pages that have frames change; reservations cost nothing.
        for (uint64_t address = m_page_table.next_candidate(start, end); address < end;
             address = m_page_table.next_candidate(address + page, end)) {
            uint64_t* entry = m_page_table.leaf(address);
            if (entry && (*entry & pte::present))
                m_page_table.set_entry(address, (*entry & pte::address_mask) | pte::kept);
        }
        return {};
    }
    for (uint64_t address = start; address < end; address += page) {
        uint64_t* entry = m_page_table.leaf(address);
        uint64_t current = entry ? *entry : 0;
        if (current & (pte::present | pte::kept)) {
            m_page_table.set_entry(address, (current & pte::address_mask) | entry_flags(prot));
            continue;
        }
        if (backed_on_touch(kind))
            continue;
        PhysicalAddress frame = TRY(m_frames.allocate(Zeroed::Yes));
        auto mapped = m_page_table.map(address, frame, entry_flags(prot));
        if (mapped.is_error()) {
            m_frames.free(frame);
            return mapped.error();
        }
    }
    return {};
}

ErrorOr<uint64_t> AddressSpace::map_anonymous(uint64_t address, uint64_t length, uint32_t prot,
                                              Placement placement, RegionKind kind) {
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
    if (placement == Placement::Anywhere) {
        start = TRY(find_free(length, 0));
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
    TRY(insert(start, start + length, prot, kind));
    auto backed = apply_protection(start, start + length, prot, kind);
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
    TRY(insert(start, end, prot, kind));
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
    // when rounded up ENOMEM, unknown protection bits EINVAL, then ENOMEM for any hole.
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
            uint64_t from = max(region.start, address), to = min(region.end, end);
            for (uint64_t page_address = from; page_address < to; page_address += page) {
                uint64_t* entry = m_page_table.leaf(page_address);
                if (!entry || !(*entry & (pte::present | pte::kept)))
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
            TRY(apply_protection(region.start, region.end, prot, region.kind));
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
    // The mapped parts are discarded even when there are holes, as Linux does.
    uint64_t end = address + align_up(length, page);
    for (uint64_t cursor = m_page_table.next_candidate(address, end); cursor < end;
         cursor = m_page_table.next_candidate(cursor + page, end)) {
        uint64_t* entry = m_page_table.leaf(cursor);
        if (entry && (*entry & (pte::present | pte::kept)))
            memset(m_frames.to_virtual(*entry & pte::address_mask), 0, page);
    }
    return checked;
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
    uint64_t grown_end;
    if (range_end(address, new_length, grown_end) && grown_end <= m_highest &&
        is_free(old_end, grown_end)) {
        TRY(map_anonymous(old_end, grown_end - old_end, prot, Placement::Fixed, kind));
        return address;
    }
    if (!may_move || new_length > m_highest - m_lowest)
        return ENOMEM;
    uint64_t target = TRY(find_free(new_length, 0));
    TRY(move_pages(address, old_length, target, new_length, prot, kind));
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
    TRY(unmap(target, new_length));
    if (old_length > new_length) {
        TRY(unmap(address + new_length, old_length - new_length));
        old_length = new_length;
    }
    TRY(move_pages(address, old_length, target, new_length, prot, kind));
    return target;
}

// Moves the pages of [address, address + old_length) to the free range at `target`, which
// becomes a region of `new_length` (the rest backed afresh), and unmaps the old range.
ErrorOr<void> AddressSpace::move_pages(uint64_t address, uint64_t old_length, uint64_t target,
                                       uint64_t new_length, uint32_t prot, RegionKind kind) {
    // Frames for the pages added and the page tables at the target (at most one per 2 MiB,
    // plus the levels above) are checked first: running out half-way would leave regions the
    // page tables no longer back.
    size_t needed = (new_length - old_length) / page + new_length / abi::large_page_size + 4;
    if (needed > m_frames.free_frames())
        return ENOMEM;
    TRY(insert(target, target + new_length, prot, kind));
    for (uint64_t offset = 0; offset < old_length; offset += page) {
        uint64_t entry = m_page_table.unmap(address + offset);
        if (!(entry & (pte::present | pte::kept)))
            continue;
        auto moved = m_page_table.map(target + offset, entry & pte::address_mask,
                                      entry & ~pte::address_mask);
        if (moved.is_error()) {
            m_frames.free(entry & pte::address_mask);
            return moved.error();
        }
    }
    TRY(unmap(address, old_length));
    TRY(apply_protection(target + old_length, target + new_length, prot, kind));
    coalesce();
    return {};
}

} // namespace kernel
