// Physical page frames, one bit each. Frames never handed out since boot are known to be zero
// (fresh guest memory is), so a request for a zeroed frame clears only frames used before:
// most allocations never touch the page at all, which also keeps the host's memory untouched.
#pragma once

#include "lib/error_or.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {

using PhysicalAddress = uint64_t;

enum class Zeroed { No, Yes };

class FrameAllocator {
public:
    // Frames are [0, memory_end); those below first_free are reserved. `direct_map` reaches
    // physical address p at direct_map + p. The bitmaps are carved out of the free memory.
    void initialize(uint8_t* direct_map, uint64_t memory_end, uint64_t first_free,
                    bool fresh_memory_is_zero);

    ErrorOr<PhysicalAddress> allocate(Zeroed zeroed);
    ErrorOr<PhysicalAddress> allocate_contiguous(size_t count, Zeroed zeroed);
    void free(PhysicalAddress frame);
    void free_contiguous(PhysicalAddress first, size_t count);

    uint8_t* to_virtual(PhysicalAddress address) const { return m_direct_map + address; }

    size_t total_frames() const { return m_frame_count; }
    size_t free_frames() const { return m_free_count; }
    size_t lowest_free_frames() const { return m_lowest_free_count; }

private:
    bool is_used(size_t frame) const { return m_used[frame / 64] & (1ull << (frame % 64)); }
    bool is_dirty(size_t frame) const { return m_dirty[frame / 64] & (1ull << (frame % 64)); }
    void set_used(size_t frame, bool used);
    void prepare(size_t frame, Zeroed zeroed);

    uint8_t* m_direct_map = nullptr;
    uint64_t* m_used = nullptr;
    uint64_t* m_dirty = nullptr;
    size_t m_frame_count = 0;
    size_t m_free_count = 0;
    size_t m_lowest_free_count = 0;
    size_t m_search_hint = 0;
};

FrameAllocator& frame_allocator();

} // namespace kernel
