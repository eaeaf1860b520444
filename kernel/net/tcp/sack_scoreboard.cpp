#include "net/tcp/sack_scoreboard.h"

#include "net/tcp/sequence.h"

namespace kernel::net::tcp {

void SackScoreboard::add(const SackBlock* blocks, size_t count, uint32_t snd_una,
                         uint32_t snd_max) {
    for (size_t index = 0; index < count; ++index) {
        SackBlock block = blocks[index];
        if (!sequence_less(block.start, block.end) || sequence_greater(block.end, snd_max) ||
            sequence_less_equal(block.end, snd_una))
            continue; // malformed, beyond what was sent, or already acknowledged
        if (sequence_less(block.start, snd_una))
            block.start = snd_una;
        insert(block);
    }
}

void SackScoreboard::insert(SackBlock block) {
    // Merge with every range it touches, then place it in order.
    SackBlock kept[capacity + 1];
    size_t count = 0;
    for (size_t index = 0; index < m_count; ++index) {
        SackBlock existing = m_blocks[index];
        bool touches = sequence_less_equal(existing.start, block.end) &&
                       sequence_less_equal(block.start, existing.end);
        if (touches) {
            if (sequence_less(existing.start, block.start))
                block.start = existing.start;
            if (sequence_greater(existing.end, block.end))
                block.end = existing.end;
        } else {
            kept[count++] = existing;
        }
    }
    size_t position = 0;
    while (position < count && sequence_less(kept[position].start, block.start))
        ++position;
    for (size_t index = count; index > position; --index)
        kept[index] = kept[index - 1];
    kept[position] = block;
    ++count;
    // Full: the highest range goes; holes below the lower ones matter first.
    m_count = count > capacity ? capacity : count;
    for (size_t index = 0; index < m_count; ++index)
        m_blocks[index] = kept[index];
}

void SackScoreboard::acknowledge(uint32_t snd_una) {
    size_t count = 0;
    for (size_t index = 0; index < m_count; ++index) {
        SackBlock block = m_blocks[index];
        if (sequence_less_equal(block.end, snd_una))
            continue;
        if (sequence_less(block.start, snd_una))
            block.start = snd_una;
        m_blocks[count++] = block;
    }
    m_count = count;
}

bool SackScoreboard::next_hole(uint32_t from, uint32_t& start, uint32_t& length) const {
    uint32_t cursor = from;
    for (size_t index = 0; index < m_count; ++index) {
        const SackBlock& block = m_blocks[index];
        if (sequence_less_equal(block.end, cursor))
            continue;
        if (sequence_greater(block.start, cursor)) {
            start = cursor;
            length = block.start - cursor;
            return true;
        }
        cursor = block.end;
    }
    return false;
}

} // namespace kernel::net::tcp
