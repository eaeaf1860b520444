#include "fs/tmpfs/file_pages.h"

#include "lib/utility.h"

namespace kernel::tmpfs {

namespace {

// The slot of page `index` at `level` (2: the root's, 0: a leaf's).
uint64_t slot_at(uint64_t index, int level) {
    return (index >> (9 * level)) % FilePages::fan_out;
}

} // namespace

PhysicalAddress FilePages::find(uint64_t index) const {
    if (index >= max_pages || !m_root)
        return 0;
    const Node* node = m_root;
    for (int level = 2; level > 0; --level) {
        node = static_cast<const Node*>(node->slots[slot_at(index, level)]);
        if (!node)
            return 0;
    }
    return reinterpret_cast<uintptr_t>(node->slots[slot_at(index, 0)]);
}

uint64_t FilePages::next(uint64_t index, uint64_t limit, bool present) const {
    limit = min(limit, max_pages);
    while (index < limit) {
        // The pages the first missing slot on the way to `index` covers; 0: the page is there.
        uint64_t missing_span = m_root ? 0 : max_pages;
        const Node* node = m_root;
        uint64_t span = max_pages;
        for (int level = 2; node && level >= 0; --level) {
            span /= fan_out; // what one slot of this level covers
            const void* slot = node->slots[slot_at(index, level)];
            if (!slot) {
                missing_span = span;
                break;
            }
            if (level > 0)
                node = static_cast<const Node*>(slot);
        }
        if (missing_span == 0) {
            if (present)
                return index;
            ++index;
            continue;
        }
        if (!present)
            return index;
        index = (index / missing_span + 1) * missing_span; // the whole missing part at once
    }
    return limit;
}

ErrorOr<PhysicalAddress> FilePages::materialize(uint64_t index) {
    if (index >= max_pages)
        return EFBIG;
    if (!m_root) {
        m_root = new Node();
        if (!m_root)
            return ENOSPC;
    }
    Node* node = m_root;
    for (int level = 2; level > 0; --level) {
        void*& slot = node->slots[slot_at(index, level)];
        if (!slot) {
            slot = new Node();
            if (!slot)
                return ENOSPC;
        }
        node = static_cast<Node*>(slot);
    }
    void*& leaf = node->slots[slot_at(index, 0)];
    if (!leaf) {
        PhysicalAddress page = TRY(m_source.allocate_page());
        leaf = reinterpret_cast<void*>(static_cast<uintptr_t>(page));
        ++m_page_count;
    }
    return static_cast<PhysicalAddress>(reinterpret_cast<uintptr_t>(leaf));
}

void FilePages::free_from(uint64_t index) {
    if (!m_root)
        return;
    free_subtree(m_root, 2, 0, index, max_pages);
    if (index == 0) {
        delete m_root;
        m_root = nullptr;
    }
}

// Frees the pages at or after `first` under `node`, which covers [base, base + span); a child
// wholly at or after `first` goes with its pages.
void FilePages::free_subtree(Node* node, int level, uint64_t base, uint64_t first, uint64_t span) {
    uint64_t child_span = span / fan_out;
    for (uint64_t slot = 0; slot < fan_out; ++slot) {
        uint64_t child_base = base + slot * child_span;
        if (child_base + child_span <= first || !node->slots[slot])
            continue;
        if (level == 0) {
            m_source.free_page(reinterpret_cast<uintptr_t>(node->slots[slot]));
            node->slots[slot] = nullptr;
            --m_page_count;
            continue;
        }
        auto* child = static_cast<Node*>(node->slots[slot]);
        free_subtree(child, level - 1, child_base, first, child_span);
        if (child_base >= first) {
            delete child;
            node->slots[slot] = nullptr;
        }
    }
}

} // namespace kernel::tmpfs
