#include "mm/frame_allocator.h"

#include "lib/string.h"
#include "lib/utility.h"

#include <ingot/abi/memory_layout.h>

namespace kernel {

namespace {
constexpr uint64_t frame_size = abi::page_size;
}

void FrameAllocator::initialize(uint8_t* direct_map, uint64_t memory_end, uint64_t first_free,
                                bool fresh_memory_is_zero) {
    m_direct_map = direct_map;
    m_frame_count = memory_end / frame_size;
    size_t words = (m_frame_count + 63) / 64;
    uint64_t bitmap_base = align_up(first_free, frame_size);
    uint64_t bitmap_bytes = align_up(2 * words * sizeof(uint64_t), frame_size);
    m_used = reinterpret_cast<uint64_t*>(to_virtual(bitmap_base));
    m_dirty = m_used + words;
    memset(m_used, 0, words * sizeof(uint64_t));
    memset(m_dirty, fresh_memory_is_zero ? 0 : 0xff, words * sizeof(uint64_t));
    // Bits past the last frame stay "used" so searches never return them.
    for (size_t frame = m_frame_count; frame < words * 64; ++frame)
        m_used[frame / 64] |= 1ull << (frame % 64);
    size_t reserved = (bitmap_base + bitmap_bytes) / frame_size;
    for (size_t frame = 0; frame < reserved && frame < m_frame_count; ++frame)
        m_used[frame / 64] |= 1ull << (frame % 64);
    m_free_count = m_frame_count > reserved ? m_frame_count - reserved : 0;
    m_lowest_free_count = m_free_count;
    m_search_hint = reserved;
}

void FrameAllocator::set_used(size_t frame, bool used) {
    if (used) {
        m_used[frame / 64] |= 1ull << (frame % 64);
        --m_free_count;
        m_lowest_free_count = min(m_lowest_free_count, m_free_count);
    } else {
        m_used[frame / 64] &= ~(1ull << (frame % 64));
        m_dirty[frame / 64] |= 1ull << (frame % 64);
        ++m_free_count;
    }
}

void FrameAllocator::prepare(size_t frame, Zeroed zeroed) {
    if (zeroed == Zeroed::Yes && is_dirty(frame))
        memset(to_virtual(frame * frame_size), 0, frame_size);
}

ErrorOr<PhysicalAddress> FrameAllocator::allocate(Zeroed zeroed) {
    size_t words = (m_frame_count + 63) / 64;
    for (size_t step = 0; step < words; ++step) {
        size_t word = (m_search_hint / 64 + step) % words;
        if (m_used[word] == ~0ull)
            continue;
        size_t frame = word * 64 + __builtin_ctzll(~m_used[word]);
        set_used(frame, true);
        prepare(frame, zeroed);
        m_search_hint = frame;
        return frame * frame_size;
    }
    return ENOMEM;
}

ErrorOr<PhysicalAddress> FrameAllocator::allocate_contiguous(size_t count, Zeroed zeroed) {
    if (count == 0 || count > m_free_count)
        return ENOMEM;
    size_t run = 0;
    for (size_t frame = 0; frame < m_frame_count; ++frame) {
        if (is_used(frame)) {
            run = 0;
            // Skip whole used words quickly.
            if (frame % 64 == 0 && m_used[frame / 64] == ~0ull)
                frame += 63;
            continue;
        }
        if (++run == count) {
            size_t first = frame + 1 - count;
            for (size_t i = first; i <= frame; ++i) {
                set_used(i, true);
                prepare(i, zeroed);
            }
            return first * frame_size;
        }
    }
    return ENOMEM;
}

void FrameAllocator::free(PhysicalAddress address) {
    size_t frame = address / frame_size;
    if (frame >= m_frame_count || !is_used(frame))
        return;
    set_used(frame, false);
}

void FrameAllocator::free_contiguous(PhysicalAddress first, size_t count) {
    for (size_t i = 0; i < count; ++i)
        free(first + i * frame_size);
}

} // namespace kernel
