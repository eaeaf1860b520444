// 4-level x86-64 page tables for the program's half of the address space. Tables are reached
// through the direct map, so the same code runs on the host in tests with a buffer as "RAM".
#pragma once

#include "arch/x86_64/tlb_invalidator.h"
#include "lib/error_or.h"
#include "mm/frame_allocator.h"

#include <stdint.h>

namespace kernel {

namespace pte {
inline constexpr uint64_t present = 1ull << 0;
inline constexpr uint64_t writable = 1ull << 1;
// Every mapping is reachable from ring 3: on PVM hosts the whole guest runs there.
inline constexpr uint64_t user = 1ull << 2;
inline constexpr uint64_t large = 1ull << 7;
// Software bit: the entry keeps its frame while not present (PROT_NONE over backed memory).
inline constexpr uint64_t kept = 1ull << 9;
// Software bit: the frame is lent by its owner (a file system's page, the payload's program
// pages), not the address space's: unmapping it must not free it, and a private mapping that
// gains PROT_WRITE gets a copy instead of writing through it.
inline constexpr uint64_t borrowed = 1ull << 10;
inline constexpr uint64_t no_execute = 1ull << 63;
inline constexpr uint64_t address_mask = 0x000ffffffffff000ull;
} // namespace pte

class PageTable {
public:
    // `tlb` hears of every present entry that changes; without one (tables no CPU walks, as
    // in the host's tests) there is nothing to invalidate.
    PageTable(FrameAllocator& frames, PhysicalAddress root, TlbInvalidator* tlb = nullptr)
        : m_frames(frames), m_root(root), m_tlb(tlb) {}

    // Groups the edits of one operation: the stale translations they leave are invalidated
    // together when the outermost batch ends (one monitor call in ring 3 on hvt).
    class Batch {
    public:
        explicit Batch(PageTable& table) : m_table(table) { ++m_table.m_batch_depth; }
        ~Batch() {
            if (--m_table.m_batch_depth == 0)
                m_table.commit_stale();
        }
        Batch(const Batch&) = delete;
        Batch& operator=(const Batch&) = delete;

    private:
        PageTable& m_table;
    };

    // Maps one 4 KiB page; the slot must be empty.
    ErrorOr<void> map(uint64_t virtual_address, PhysicalAddress frame, uint64_t flags);
    // The leaf entry of a page, or nullptr when no table reaches it.
    uint64_t* leaf(uint64_t virtual_address) const;
    // Clears the entry and returns what it held (0 when nothing was mapped).
    uint64_t unmap(uint64_t virtual_address);
    void set_entry(uint64_t virtual_address, uint64_t entry);

    // The first address at or after `virtual_address` (and before `end`) that a leaf entry
    // could exist for: skips the ranges whose intermediate tables are absent.
    uint64_t next_candidate(uint64_t virtual_address, uint64_t end) const;

    // The physical address behind a virtual one, through large pages too; false if unmapped.
    bool translate(uint64_t virtual_address, PhysicalAddress& physical) const;

private:
    uint64_t* table(PhysicalAddress address) const {
        return reinterpret_cast<uint64_t*>(m_frames.to_virtual(address));
    }
    ErrorOr<uint64_t*> walk_or_create(uint64_t virtual_address);
    void flush(uint64_t virtual_address);
    void commit_stale();

    FrameAllocator& m_frames;
    PhysicalAddress m_root;
    TlbInvalidator* m_tlb;
    uint32_t m_batch_depth = 0;
    bool m_stale = false;
};

} // namespace kernel
