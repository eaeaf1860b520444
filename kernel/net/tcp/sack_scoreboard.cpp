#include "net/tcp/sack_scoreboard.h"

#include "net/tcp/sequence.h"

namespace kernel::net::tcp {

namespace {

// The first allocation: a 2 KiB heap block's worth of records, as the byte buffers' chunks.
constexpr size_t initial_records = 64;

} // namespace

SackScoreboard::~SackScoreboard() {
    clear();
}

void SackScoreboard::clear() {
    delete[] m_records;
    m_records = nullptr;
    m_mask = 0;
    m_head = 0;
    m_count = 0;
    m_outstanding = m_sacked = m_lost = m_retransmitted = m_sacked_segments = 0;
}

bool SackScoreboard::grow() {
    size_t capacity = m_records ? (m_mask + 1) * 2 : initial_records;
    if (capacity > maximum_records)
        return false;
    auto* records = new SentSegment[capacity];
    if (!records)
        return false;
    for (size_t index = 0; index < m_count; ++index)
        records[index] = record(index);
    delete[] m_records;
    m_records = records;
    m_mask = capacity - 1;
    m_head = 0;
    return true;
}

bool SackScoreboard::can_record() const {
    return m_count < maximum_records;
}

void SackScoreboard::set_flags(SentSegment& segment, uint8_t flags) {
    uint32_t length = segment.length();
    auto adjust = [&](uint8_t flag, uint32_t& total) {
        if (segment.has(flag) && !(flags & flag))
            total -= length;
        else if (!segment.has(flag) && (flags & flag))
            total += length;
    };
    adjust(segment_flag::sacked, m_sacked);
    adjust(segment_flag::lost, m_lost);
    adjust(segment_flag::retransmitted, m_retransmitted);
    if (segment.has(segment_flag::sacked) != ((flags & segment_flag::sacked) != 0))
        m_sacked_segments += (flags & segment_flag::sacked) ? 1 : -1;
    segment.flags = flags;
}

bool SackScoreboard::record_sent(uint32_t start, uint32_t end, uint32_t segment_size,
                                 uint64_t now_ns) {
    uint32_t length = end - start;
    size_t pieces = length <= segment_size ? 1 : (length + segment_size - 1) / segment_size;
    while (m_count + pieces > (m_records ? m_mask + 1 : 0)) {
        if (!grow())
            return false;
    }
    for (uint32_t at = start; pieces > 0; --pieces) {
        uint32_t piece_end = pieces == 1 ? end : at + segment_size;
        ++m_count;
        record(m_count - 1) = {at, piece_end, now_ns, 0};
        at = piece_end;
    }
    m_outstanding += length;
    return true;
}

void SackScoreboard::record_retransmitted(size_t index, uint64_t now_ns) {
    SentSegment& segment = record(index);
    segment.sent_ns = now_ns;
    set_flags(segment, static_cast<uint8_t>(segment.flags | segment_flag::retransmitted |
                                            segment_flag::ever_retransmitted));
}

bool SackScoreboard::split(size_t index, uint32_t at_sequence) {
    if (m_count == m_mask + 1 && !grow())
        return false;
    ++m_count;
    for (size_t moved = m_count - 1; moved > index + 1; --moved)
        record(moved) = record(moved - 1);
    SentSegment& first = record(index);
    SentSegment& second = record(index + 1);
    // Flags are per byte, so both halves keep them and the byte totals stay right.
    second = first;
    second.start = at_sequence;
    first.end = at_sequence;
    if (first.has(segment_flag::sacked))
        ++m_sacked_segments;
    return true;
}

uint32_t SackScoreboard::acknowledge(uint32_t snd_una, DeliveryObserver& observer,
                                     uint64_t& first_sent_ns) {
    uint32_t delivered = 0;
    first_sent_ns = 0;
    while (m_count > 0) {
        SentSegment& segment = record(0);
        if (sequence_less_equal(segment.end, snd_una)) {
            if (!segment.has(segment_flag::sacked)) {
                delivered += segment.length();
                observer.delivered(segment);
                if (!first_sent_ns && !segment.has(segment_flag::ever_retransmitted))
                    first_sent_ns = segment.sent_ns;
            }
            set_flags(segment, 0);
            m_outstanding -= segment.length();
            m_head = (m_head + 1) & m_mask;
            --m_count;
            continue;
        }
        if (sequence_greater(snd_una, segment.start)) {
            // Partly acknowledged: the record keeps only its unacknowledged end.
            uint8_t flags = segment.flags;
            set_flags(segment, 0);
            uint32_t trimmed = snd_una - segment.start;
            if (!(flags & segment_flag::sacked))
                delivered += trimmed;
            m_outstanding -= trimmed;
            segment.start = snd_una;
            set_flags(segment, flags);
        }
        break;
    }
    if (m_count == 0)
        clear(); // an idle connection holds no records
    return delivered;
}

size_t SackScoreboard::find(uint32_t sequence) const {
    size_t low = 0;
    size_t high = m_count;
    while (low < high) {
        size_t middle = (low + high) / 2;
        if (sequence_less_equal(at(middle).end, sequence))
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

SackOutcome SackScoreboard::add(const SackBlock* blocks, size_t count, uint32_t ack,
                                uint32_t snd_max, DeliveryObserver& observer) {
    SackOutcome outcome;
    for (size_t index = 0; index < count; ++index) {
        SackBlock block = blocks[index];
        bool well_formed =
            sequence_less(block.start, block.end) && sequence_less_equal(block.end, snd_max);
        // RFC 2883 4: a first block below the cumulative ACK, or inside the second block,
        // reports data received twice.
        if (index == 0 && well_formed &&
            (sequence_less_equal(block.end, ack) ||
             (count > 1 && sequence_less_equal(blocks[1].start, block.start) &&
              sequence_less_equal(block.end, blocks[1].end)))) {
            outcome.duplicate = true;
            outcome.duplicate_start = block.start;
            outcome.duplicate_end = block.end;
            continue;
        }
        if (!well_formed || sequence_less(block.start, ack)) {
            ++outcome.ignored_blocks; // malformed, beyond what was sent, or straddling SND.UNA
            continue;
        }
        // Only whole segments are marked: the peer holds every byte of each.
        for (size_t position = find(block.start); position < m_count; ++position) {
            SentSegment& segment = record(position);
            if (sequence_greater(segment.end, block.end))
                break;
            if (sequence_less(segment.start, block.start) || segment.has(segment_flag::sacked))
                continue;
            outcome.newly_sacked += segment.length();
            observer.delivered(segment);
            set_flags(segment,
                      static_cast<uint8_t>((segment.flags & segment_flag::ever_retransmitted) |
                                           segment_flag::sacked));
        }
    }
    return outcome;
}

void SackScoreboard::mark_all_lost(bool keep_sacked) {
    for (size_t index = 0; index < m_count; ++index) {
        SentSegment& segment = record(index);
        if (keep_sacked && segment.has(segment_flag::sacked))
            continue;
        set_flags(segment, static_cast<uint8_t>((segment.flags & segment_flag::ever_retransmitted) |
                                                segment_flag::lost));
    }
}

void SackScoreboard::mark_lost(size_t index) {
    SentSegment& segment = record(index);
    set_flags(segment, static_cast<uint8_t>((segment.flags & ~segment_flag::retransmitted) |
                                            segment_flag::lost));
}

void SackScoreboard::clear_lost() {
    for (size_t index = 0; index < m_count; ++index) {
        SentSegment& segment = record(index);
        if (segment.has(segment_flag::lost) && !segment.has(segment_flag::retransmitted))
            set_flags(segment, static_cast<uint8_t>(segment.flags & ~segment_flag::lost));
    }
}

size_t SackScoreboard::next_lost(size_t from) const {
    for (size_t index = from; index < m_count; ++index) {
        const SentSegment& segment = at(index);
        if (segment.flags == segment_flag::lost ||
            segment.flags == (segment_flag::lost | segment_flag::ever_retransmitted))
            return index;
    }
    return m_count;
}

} // namespace kernel::net::tcp
