// A listening socket: SYNs become half-open children in its SYN queue, finished handshakes
// wait in its accept queue. Both are bounded by the backlog; a SYN that finds the SYN queue
// full is dropped and counted, which is how a SYN flood ends up costing a bounded amount.
#include "lib/utility.h"
#include "net/tcp/sequence.h"
#include "net/tcp/tcp_connection.h"
#include "net/tcp/tcp_table.h"

namespace kernel::net::tcp {

void TcpConnection::listener_input(Ipv4Address source, Ipv4Address destination,
                                   const TcpSegment& segment) {
    const TcpHeader& header = segment.header;
    if (header.has(tcp_flag::rst))
        return;
    if (header.has(tcp_flag::ack)) {
        m_table.send_reset_for(source, destination, segment);
        return;
    }
    if (header.has(tcp_flag::syn))
        accept_syn(source, destination, segment);
}

void TcpConnection::accept_syn(Ipv4Address source, Ipv4Address destination,
                               const TcpSegment& segment) {
    if (m_syn_queue_length >= m_backlog || m_accept_queue_length >= m_backlog) {
        ++m_table.statistics().syn_dropped_backlog_full;
        return;
    }
    TcpConnection* child = m_table.create_connection();
    if (!child)
        return;
    const TcpHeader& header = segment.header;
    child->m_program_owns = false;
    child->m_listener = this;
    child->m_options = m_options;
    child->m_local = {destination, m_local.port};
    child->m_remote = {source, header.source_port};
    child->m_bound = true;
    child->m_ever_connected = true;
    child->m_state = TcpState::syn_received;
    child->m_irs = header.sequence;
    child->m_rcv_nxt = header.sequence + 1;
    child->m_rcv_adv = child->m_rcv_nxt;
    child->m_iss = m_table.random32();
    child->m_ts_offset = m_table.random32();
    child->m_snd_una = child->m_iss;
    child->m_snd_nxt = child->m_iss;
    child->m_snd_max = child->m_iss;
    child->m_snd_wnd = header.window;
    child->take_options(header.options);
    m_table.index(*child);
    m_syn_queue.append(*child);
    ++m_syn_queue_length;
    child->send_syn();
}

void TcpConnection::child_established(TcpConnection& child) {
    IntrusiveList<TcpConnection, &TcpConnection::queue_node>::remove(child);
    --m_syn_queue_length;
    m_accept_queue.append(child);
    ++m_accept_queue_length;
    child.m_awaiting_accept = true;
    notify();
}

void TcpConnection::child_closed(TcpConnection& child) {
    IntrusiveList<TcpConnection, &TcpConnection::queue_node>::remove(child);
    if (child.m_awaiting_accept)
        --m_accept_queue_length;
    else
        --m_syn_queue_length;
    child.m_awaiting_accept = false;
    child.m_listener = nullptr;
    notify();
}

} // namespace kernel::net::tcp
