#include "arch/x86_64/page_table.h"

namespace kernel {

namespace {
size_t index_at(uint64_t virtual_address, int level) {
    return (virtual_address >> (12 + 9 * level)) & 511;
}
} // namespace

ErrorOr<uint64_t*> PageTable::walk_or_create(uint64_t virtual_address) {
    uint64_t* current = table(m_root);
    for (int level = 3; level > 0; --level) {
        uint64_t& entry = current[index_at(virtual_address, level)];
        if (!(entry & pte::present)) {
            PhysicalAddress next = TRY(m_frames.allocate(Zeroed::Yes));
            entry = next | pte::present | pte::writable | pte::user;
        }
        if (entry & pte::large)
            return EEXIST;
        current = table(entry & pte::address_mask);
    }
    return &current[index_at(virtual_address, 0)];
}

uint64_t* PageTable::leaf(uint64_t virtual_address) const {
    uint64_t* current = table(m_root);
    for (int level = 3; level > 0; --level) {
        uint64_t entry = current[index_at(virtual_address, level)];
        if (!(entry & pte::present) || (entry & pte::large))
            return nullptr;
        current = table(entry & pte::address_mask);
    }
    return &current[index_at(virtual_address, 0)];
}

uint64_t PageTable::next_candidate(uint64_t virtual_address, uint64_t end) const {
    while (virtual_address < end) {
        uint64_t* current = table(m_root);
        int level = 3;
        for (; level > 0; --level) {
            uint64_t entry = current[index_at(virtual_address, level)];
            if (!(entry & pte::present) || (entry & pte::large))
                break;
            current = table(entry & pte::address_mask);
        }
        if (level == 0)
            return virtual_address;
        // Nothing below this entry: jump to the next one at the same level.
        uint64_t span = 1ull << (12 + 9 * level);
        uint64_t next = (virtual_address & ~(span - 1)) + span;
        if (next <= virtual_address)
            return end;
        virtual_address = next;
    }
    return end;
}

ErrorOr<void> PageTable::map(uint64_t virtual_address, PhysicalAddress frame, uint64_t flags) {
    uint64_t* entry = TRY(walk_or_create(virtual_address));
    if (*entry & (pte::present | pte::kept))
        return EEXIST;
    *entry = (frame & pte::address_mask) | flags;
    return {};
}

uint64_t PageTable::unmap(uint64_t virtual_address) {
    uint64_t* entry = leaf(virtual_address);
    if (!entry)
        return 0;
    uint64_t old = *entry;
    *entry = 0;
    if (old & pte::present)
        flush(virtual_address);
    return old;
}

void PageTable::set_entry(uint64_t virtual_address, uint64_t value) {
    uint64_t* entry = leaf(virtual_address);
    if (!entry)
        return;
    uint64_t old = *entry;
    *entry = value;
    if (old & pte::present)
        flush(virtual_address);
}

bool PageTable::translate(uint64_t virtual_address, PhysicalAddress& physical) const {
    uint64_t* current = table(m_root);
    for (int level = 3; level >= 0; --level) {
        uint64_t entry = current[index_at(virtual_address, level)];
        if (!(entry & pte::present))
            return false;
        if (level == 0 || (entry & pte::large)) {
            uint64_t page_mask = (1ull << (12 + 9 * level)) - 1;
            physical = (entry & pte::address_mask & ~page_mask) | (virtual_address & page_mask);
            return true;
        }
        current = table(entry & pte::address_mask);
    }
    return false;
}

void PageTable::flush(uint64_t virtual_address) {
    if (!m_tlb)
        return;
    m_tlb->stale(virtual_address);
    m_stale = true;
    if (m_batch_depth == 0)
        commit_stale();
}

void PageTable::commit_stale() {
    if (!m_stale)
        return;
    m_stale = false;
    m_tlb->commit();
}

} // namespace kernel
