#include "net/tcp/mtu_search.h"

#include "lib/utility.h"

namespace kernel::net::tcp {

size_t MtuSearch::on_black_hole(size_t current, size_t base, size_t floor, uint64_t now) {
    // A probe in flight is as lost as the rest.
    m_probe_size = 0;
    // Linux's tcp_mtu_probing(): first down to the base (not below what is sent already),
    // then by halves.
    size_t next = m_active ? max(m_low / 2, floor) : min(base, current);
    if (!m_active)
        m_ceiling = current;
    m_active = true;
    m_low = min(next, current);
    // RFC 8899 5.2: after a black hole the search starts again from the bottom; the size that
    // failed may have failed for congestion, so it is tried again too.
    m_high = m_ceiling;
    m_done_at = 0;
    finish_if_close(now);
    return next < current ? next : 0;
}

void MtuSearch::on_path_mtu(size_t mtu) {
    if (!m_active)
        return;
    m_ceiling = min(m_ceiling, mtu);
    m_high = min(m_high, mtu);
    m_low = min(m_low, mtu);
    if (m_probe_size > mtu)
        m_probe_size = 0;
}

size_t MtuSearch::probe_size(uint64_t now) {
    if (!m_active || m_probe_size)
        return 0;
    if (m_done_at) {
        if (now - m_done_at < search_again_ns)
            return 0;
        m_done_at = 0;
        m_high = m_ceiling;
        if (m_high - m_low < done_within) {
            m_done_at = now;
            return 0;
        }
    }
    return m_low + (m_high - m_low + 1) / 2;
}

void MtuSearch::on_probe_sent(uint32_t start, uint32_t end, size_t size) {
    m_probe_size = size;
    m_probe_start = start;
    m_probe_end = end;
}

size_t MtuSearch::on_probe_acknowledged(uint64_t now) {
    size_t size = m_probe_size;
    m_probe_size = 0;
    m_low = max(m_low, size);
    finish_if_close(now);
    return m_low;
}

void MtuSearch::on_probe_lost(uint64_t now) {
    if (m_probe_size > m_low)
        m_high = min(m_high, m_probe_size - 1);
    m_probe_size = 0;
    finish_if_close(now);
}

void MtuSearch::finish_if_close(uint64_t now) {
    if (m_high < m_low)
        m_high = m_low;
    if (m_high - m_low < done_within && !m_done_at)
        m_done_at = now ? now : 1;
}

} // namespace kernel::net::tcp
