// /proc/net/tcp, tcp6, udp and udp6: the stack's sockets (net/socket_listing.h) in Linux's
// layouts (net/ipv4/tcp_ipv4.c, net/ipv6/tcp_ipv6.c, net/ipv4/udp.c, net/ipv6/datagram.c),
// which net-tools' netstat, lsof and monitoring agents parse by column. Addresses are printed
// as Linux prints them: each 32-bit word of the address in memory order, read as a
// little-endian number; ports in hexadecimal. Timers are not shown (00:00000000), the owner is
// uid 0, and the socket's kernel address is hidden, as Linux hides it from whoever lacks
// CAP_SYSLOG.
#include "fs/synthetic/proc_generators.h"
#include "fs/synthetic/text_layout.h"

namespace kernel::synthetic {

namespace {

using net::SocketListing;

// The lines of tcp and udp (not their IPv6 twins) are padded with spaces to a fixed width.
constexpr size_t tcp_line_width = 149, udp_line_width = 127;
constexpr uint8_t tcp_time_wait = 6;

// "0100007F:1B58" for 127.0.0.1:7000; the IPv6 form for an AF_INET6 socket's.
void append_endpoint(TextBuffer& text, const net::IpEndpoint& endpoint, bool ipv6) {
    const uint8_t* bytes = endpoint.address.v6.bytes;
    if (ipv6)
        text.append("%08X%08X%08X%08X", address_word(bytes), address_word(bytes + 4),
                    address_word(bytes + 8), address_word(bytes + 12));
    else
        text.append("%08X", address_word(bytes + 12));
    text.append(":%04X", static_cast<unsigned>(endpoint.port));
}

// USER_HZ ticks, as jiffies_to_clock_t gives them.
unsigned long long clock_ticks(uint32_t microseconds) {
    return microseconds / 10'000;
}

// One line a socket of the family asked for: tcp's (get_tcp4_sock, or get_timewait4_sock in
// TIME-WAIT, which shows nothing of the socket) or udp's (udp4_format_sock, whose line Linux
// numbers by hash slot, here by place in the list).
class SocketLines final : public net::SocketVisitor {
public:
    SocketLines(TextBuffer& text, bool tcp, bool ipv6) : m_text(text), m_tcp(tcp), m_ipv6(ipv6) {}

    void visit(const SocketListing& socket) override {
        if (socket.ipv6 != m_ipv6)
            return;
        size_t start = m_text.length();
        m_text.append(m_tcp ? "%4d: " : "%5d: ", m_index++);
        append_endpoint(m_text, socket.local, m_ipv6);
        m_text.append(" ");
        append_endpoint(m_text, socket.remote, m_ipv6);
        auto inode = static_cast<unsigned long long>(socket.inode);
        if (!m_tcp)
            m_text.append(" %02X 00000000:%08X 00:00000000 00000000     0        0 %llu 2 "
                          "0000000000000000 0",
                          socket.state, socket.receive_queue, inode);
        else if (socket.state == tcp_time_wait)
            m_text.append(" %02X 00000000:00000000 03:00000000 00000000     0        0 0 1 "
                          "0000000000000000",
                          socket.state);
        else
            m_text.append(" %02X %08X:%08X 00:00000000 %08X     0        0 %llu 1 0000000000000000 "
                          "%llu %llu 0 %u %d",
                          socket.state, socket.send_queue, socket.receive_queue,
                          static_cast<unsigned>(socket.retransmits), inode,
                          clock_ticks(socket.rto_us), clock_ticks(socket.ato_us),
                          socket.congestion_window, socket.slow_start_threshold);
        if (m_ipv6)
            m_text.append_bytes("\n", 1);
        else
            end_padded_line(m_text, start, m_tcp ? tcp_line_width : udp_line_width);
    }

private:
    TextBuffer& m_text;
    bool m_tcp, m_ipv6;
    int m_index = 0;
};

constexpr const char* ipv6_header =
    "  sl  local_address                         remote_address                        st "
    "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

void generate_tcp(const SystemFacts& facts, TextBuffer& text, bool ipv6) {
    if (ipv6) {
        text.append("%s\n", ipv6_header);
    } else {
        text.append("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
                    "   uid  timeout inode");
        end_padded_line(text, 0, tcp_line_width);
    }
    SocketLines lines(text, true, ipv6);
    facts.for_each_socket(true, lines);
}

void generate_udp(const SystemFacts& facts, TextBuffer& text, bool ipv6) {
    if (ipv6) {
        text.append("%s ref pointer drops\n", ipv6_header);
    } else {
        text.append("   sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
                    "retrnsmt   uid  timeout inode ref pointer drops");
        end_padded_line(text, 0, udp_line_width);
    }
    SocketLines lines(text, false, ipv6);
    facts.for_each_socket(false, lines);
}

} // namespace

void generate_net_tcp(const SystemFacts& facts, TextBuffer& text) {
    generate_tcp(facts, text, false);
}

void generate_net_tcp6(const SystemFacts& facts, TextBuffer& text) {
    generate_tcp(facts, text, true);
}

void generate_net_udp(const SystemFacts& facts, TextBuffer& text) {
    generate_udp(facts, text, false);
}

void generate_net_udp6(const SystemFacts& facts, TextBuffer& text) {
    generate_udp(facts, text, true);
}

} // namespace kernel::synthetic
