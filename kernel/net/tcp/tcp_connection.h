// One TCP socket: a listener, or a connection with its state machine, buffers and timers.
// The program holds it through TcpSocket; once the program closes it, the table keeps it
// until the protocol has finished with it (FIN handshake, TIME_WAIT) and then frees it.
#pragma once

#include "lib/intrusive_list.h"
#include "lib/timer_wheel.h"
#include "net/socket.h"
#include "net/socket_listing.h"
#include "net/tcp/chunked_buffer.h"
#include "net/tcp/congestion_control.h"
#include "net/tcp/fast_recovery.h"
#include "net/tcp/mtu_search.h"
#include "net/tcp/proportional_rate_reduction.h"
#include "net/tcp/rack.h"
#include "net/tcp/reassembly_queue.h"
#include "net/tcp/rtt_estimator.h"
#include "net/tcp/sack_scoreboard.h"
#include "net/tcp/syn_cookie.h"
#include "net/tcp/tcp_header.h"
#include "net/tcp/tcp_state.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::tcp {

class TcpTable;

// Linux's numbers where RFCs leave a choice.
namespace tcp_timing {
inline constexpr uint64_t millisecond = 1'000'000;
inline constexpr uint64_t second = 1000 * millisecond;
inline constexpr uint64_t delayed_ack = 40 * millisecond;
inline constexpr uint64_t cork_ceiling = 200 * millisecond; // tcp(7) on TCP_CORK
inline constexpr uint64_t time_wait = 60 * second;          // 2 * MSL
inline constexpr uint64_t fin_wait_2 = 60 * second;
inline constexpr uint32_t syn_retries = 6;
inline constexpr uint32_t syn_ack_retries = 5;
inline constexpr uint32_t data_retries = 15;
} // namespace tcp_timing

class TcpConnection final : public TcpSocket {
public:
    // `ipv6`: an AF_INET6 socket, which speaks IPv4 as well through mapped addresses unless
    // IPV6_V6ONLY is set.
    TcpConnection(TcpTable& table, bool ipv6);
    ~TcpConnection() override;

    // Socket
    uint32_t poll_events() const override;
    ErrorOr<void> bind(const IpEndpoint& local) override;
    ErrorOr<void> connect(const IpEndpoint& remote) override;
    ErrorOr<void> shutdown(bool read, bool write) override;
    IpEndpoint local_endpoint() const override { return m_local; }
    ErrorOr<IpEndpoint> remote_endpoint() const override;
    ErrorOr<size_t> path_mtu() const override;
    int take_error() override;
    size_t readable_bytes() const override { return m_receive_queue.size(); }
    void options_changed() override;
    void close() override;
    // TcpSocket
    ErrorOr<void> listen(int backlog) override;
    ErrorOr<TcpSocket*> accept() override;
    ErrorOr<TcpSocket*> disconnect() override;
    ErrorOr<size_t> send(const void* data, size_t length, bool more = false) override;
    ErrorOr<size_t> receive(void* data, size_t length, bool peek) override;
    void get_info(LinuxTcpInfo& info) const override; // tcp_info.cpp
    // Its line of /proc/net/tcp or tcp6 (tcp_info.cpp).
    void describe(SocketListing& listing) const;

    // From the table.
    void input(const TcpSegment& segment);
    void listener_input(const IpAddress& source, const IpAddress& destination,
                        const TcpSegment& segment);
    // An ICMP error quoting our segment with `sequence`; `next_hop_mtu` as IcmpErrorSink has it.
    void icmp_error(uint32_t sequence, int error, size_t next_hop_mtu);
    void run_timers(uint64_t now);
    uint64_t next_deadline_ns() const;
    // A SYN that may reopen this TIME_WAIT connection's 4-tuple (RFC 9293 3.10.7.4, RFC 6191):
    // then the connection ends at once and the SYN goes to the listener.
    bool yields_to_new_syn(const TcpSegment& segment);
    // Neither the program nor a listener holds it, and the protocol is done: the table frees it.
    bool is_finished() const;
    bool has_undelivered_output() const override;

    TcpState state() const { return m_state; }
    bool is_bound() const { return m_bound; }
    const IpEndpoint& local() const { return m_local; }
    const IpEndpoint& remote() const { return m_remote; }
    bool is_ipv6() const { return m_ipv6; }
    bool is_listening() const { return m_state == TcpState::listen; }
    const SocketOptions& socket_options() const { return m_options; }

    ListNode table_node;       // in the table's list of every socket
    ListNode lookup_node;      // in the table's 4-tuple hash bucket, or its list of listeners
    ListNode queue_node;       // in its listener's SYN queue or accept queue
    ListNode port_node;        // among the holders of its local port, while bound
    TimerWheelNode timer_node; // filed by its earliest deadline

private:
    // tcp_connection.cpp: the program's side.
    // Closed by the program: neither it nor a listener's accept queue holds the socket.
    bool is_orphan() const { return !m_program_owns && !m_listener; }
    void notify();
    uint32_t send_space() const;
    void queue_fin();
    void abort(int error, bool send_reset);
    void detach_children();
    void move_to_closed();
    void become_established();

    // tcp_output.cpp: what goes out.
    void output();
    void send_syn();
    void send_ack();
    void send_challenge_ack();
    void send_reset();
    void send_probe();
    // A segment at `sequence` carrying `length` queued bytes from there, and FIN when asked.
    // `whole`: one packet on the wire however long (an MTU probe), never cut by the device.
    void send_data(uint32_t sequence, size_t length, bool fin, bool whole = false);
    // Longer than payload_limit() only when the device cuts the segment (TSO), or `whole`.
    void transmit(uint32_t sequence, uint8_t flags, size_t length, bool whole = false);
    uint16_t window_field();
    bool window_update_due() const;
    uint32_t receive_space() const;
    uint32_t timestamp_now() const;
    void start_retransmit_timer();
    void retransmit_first();
    // In recovery: the next hole below data the peer SACKed, if any.
    void retransmit_next_hole();
    // Payload bytes per segment on the wire (the MSS less the SACK blocks).
    size_t payload_limit() const;
    // Payload bytes one transmission may carry: payload_limit(), or as many of them as fit
    // 64 KiB when the device offers TSO.
    size_t send_limit() const;
    // tcp_path_mtu.cpp: the largest segment the path carries.
    // RFC 1191 6.2: "fragmentation needed" says the path carries at most `next_hop_mtu`.
    void lower_path_mtu(size_t next_hop_mtu);
    // The IP and TCP headers and the options every segment carries: a full segment's packet
    // is m_mss plus this.
    size_t packet_overhead() const;
    // Timeouts in a row may mean a path that drops big packets silently (mtu_search.h).
    void detect_black_hole();
    // A probe of the next size the search tries, made of new data, when the window allows.
    bool send_mtu_probe(uint32_t usable);
    void mtu_probe_acknowledged();
    // The segment at `start` is being resent: if it was the probe, its size does not pass.
    void mtu_probe_lost(uint32_t start);
    // The probe is all that was lost: its size, not congestion, is to blame, and it is resent
    // (cut to size) without a window reduction, as Linux's tcp_mtup_probe_failed() path.
    bool only_mtu_probe_lost() const;
    // The next new data that `usable` bytes of window allow under Nagle's rule and the cork;
    // false when none goes.
    bool send_new_segment(uint32_t usable);
    // New data up to `end` went out: SND.NXT and SND.MAX move, the retransmission timer runs.
    void new_data_sent(uint32_t end);

    // tcp_input.cpp: what comes in.
    void input_syn_sent(const TcpSegment& segment);
    bool acceptable(const TcpSegment& segment) const;
    bool handle_reset(const TcpSegment& segment);
    bool handle_ack(const TcpSegment& segment);
    void handle_new_ack(const TcpSegment& segment, uint32_t ack, const SackOutcome& sack);
    void handle_duplicate_ack();
    void handle_data(const TcpSegment& segment);
    // Data below RCV.NXT: a D-SACK block for the next segment (RFC 2883).
    void note_duplicate_data(const TcpSegment& segment);
    void handle_fin();
    void take_options(const TcpOptions& options);
    void update_window(const TcpSegment& segment);
    // `length` bytes of data were taken in.
    void schedule_ack(size_t length, bool now);

    // tcp_recovery.cpp: loss recovery with SACK (RFC 6675 scoreboard, RFC 8985 RACK-TLP,
    // RFC 6937 PRR, RFC 3522 Eifel undo).
    SackOutcome take_sack(const TcpSegment& segment, uint32_t ack);
    // `acked` bytes newly acknowledged cumulatively; `delivered` bytes newly delivered by it and
    // by SACK.
    void recovery_on_ack(const TcpSegment& segment, uint32_t acked, uint32_t delivered,
                         const SackOutcome& sack, uint32_t in_flight_before, uint64_t rtt_sample);
    void detect_losses();
    void enter_recovery();
    void detect_spurious_retransmission(const TcpSegment& segment);
    void handle_probe_ack(uint32_t ack, bool advanced, const SackOutcome& sack);
    void output_with_sack();
    bool retransmit_record(size_t index);
    void arm_probe();
    void on_probe_timeout();
    void on_reorder_timeout();
    void on_sack_retransmit_timeout();
    void arm_undo();

    // tcp_timers.cpp
    void on_retransmit_timeout();
    void on_persist_timeout();
    void on_keep_alive_timeout();
    void arm_keep_alive();
    void enter_time_wait();

    // tcp_listener.cpp
    void accept_syn(const IpAddress& source, const IpAddress& destination,
                    const TcpSegment& segment);
    void send_syn_cookie(const IpAddress& source, const IpAddress& destination,
                         const TcpSegment& segment);
    // A new connection in SYN-RECEIVED for this listener, from the SYN or cookie ACK `header`
    // that `source` sent to `destination`; nullptr when there is no memory for it.
    TcpConnection* create_child(const IpAddress& source, const IpAddress& destination,
                                const TcpHeader& header);
    // An ACK for no child: true when its cookie was ours and the connection now exists.
    bool accept_cookie(const IpAddress& source, const IpAddress& destination,
                       const TcpSegment& segment);
    // TCP Fast Open (RFC 7413) for `child`, answering a SYN with the option on a listener that
    // set TCP_FASTOPEN: true when the SYN's data was taken and the child waits for accept().
    bool accept_fastopen(TcpConnection& child, const IpAddress& source,
                         const IpAddress& destination, const TcpSegment& segment);
    // Fast Open children whose handshake has not finished, waiting for accept().
    size_t fastopen_pending();
    void child_established(TcpConnection& child);
    // Into the accept queue, where accept() finds it.
    void queue_for_accept(TcpConnection& child);
    void child_closed(TcpConnection& child);

    TcpTable& m_table;
    TcpState m_state = TcpState::closed;
    bool m_ipv6;
    IpEndpoint m_local; // the wildcard of the socket's family until bound
    IpEndpoint m_remote;
    bool m_bound = false;
    // What the program's bind() fixed (Linux's SOCK_BINDADDR_LOCK, SOCK_BINDPORT_LOCK): a
    // disconnect keeps them.
    bool m_address_fixed = false;
    bool m_port_fixed = false;
    bool m_program_owns = true;
    bool m_ever_connected = false;
    bool m_read_shutdown = false;
    bool m_write_shutdown = false; // FIN queued or the connection is gone
    bool m_fin_queued = false;
    bool m_fin_received = false;
    bool m_reset = false;
    int m_error = 0;

    // Listener: half-open children (SYN queue) and finished handshakes (accept queue).
    TcpConnection* m_listener = nullptr; // while this child sits in a queue
    bool m_awaiting_accept = false;      // in the accept queue rather than the SYN queue
    IntrusiveList<TcpConnection, &TcpConnection::queue_node> m_syn_queue;
    IntrusiveList<TcpConnection, &TcpConnection::queue_node> m_accept_queue;
    uint16_t m_backlog = 0;
    uint16_t m_syn_queue_length = 0;
    uint16_t m_accept_queue_length = 0;
    uint64_t m_syn_overflow_at = 0; // when the SYN queue last overflowed into SYN cookies
    // Fast Open: this child took data from its SYN, may send before the handshake ends, and
    // was ready for accept() at once; its SYN-ACKs carry the client's cookie when it needs one.
    bool m_fastopen = false;
    bool m_sends_fastopen_cookie = false;

    // Send sequence space (RFC 9293 3.3.1) and the FIN's place in it.
    uint32_t m_iss = 0;
    uint32_t m_snd_una = 0;
    uint32_t m_snd_nxt = 0;
    uint32_t m_snd_max = 0; // highest sequence sent, which snd_nxt falls back from on a timeout
    uint32_t m_snd_wnd = 0;
    uint32_t m_snd_wl1 = 0;
    uint32_t m_snd_wl2 = 0;
    uint32_t m_fin_sequence = 0;
    // Receive sequence space.
    uint32_t m_irs = 0;
    uint32_t m_rcv_nxt = 0;
    uint32_t m_rcv_adv = 0; // right edge of the window last advertised

    // Negotiated options.
    uint16_t m_mss = 536;        // payload per segment, as the path allows
    size_t m_path_mtu = 0;       // what "fragmentation needed" said the path carries (0: none)
    bool m_dont_fragment = true; // IPv4: RFC 1191, but not to a locked path (output())
    MtuSearch m_mtu_search;      // RFC 4821 once timeouts reveal a black hole
    uint8_t m_snd_wscale = 0;
    uint8_t m_rcv_wscale = 0;
    bool m_window_scaling = false;
    bool m_sack = false;
    bool m_timestamps = false;
    uint32_t m_ts_recent = 0;
    uint32_t m_ts_offset = 0;
    uint32_t m_last_ack_sent = 0;

    // Data received twice, reported as the first SACK block of the next segment (RFC 2883).
    bool m_dsack_pending = false;
    SackBlock m_dsack = {};

    ChunkedBuffer m_send_queue; // from snd_una on
    ChunkedBuffer m_receive_queue;
    ReassemblyQueue m_out_of_order;

    RttEstimator m_rtt;
    CongestionControl m_congestion;
    FastRecovery m_recovery;
    // With SACK: every segment in flight, RACK, PRR, and where recovery stands.
    enum class RecoveryState : uint8_t {
        open,
        recovery, // fast recovery, the window paced down by PRR
        loss,     // after a retransmission timeout: slow start from one segment
    };
    SackScoreboard m_scoreboard;
    Rack m_rack;
    ProportionalRateReduction m_prr;
    RecoveryState m_recovery_state = RecoveryState::open;
    uint32_t m_recovery_point = 0; // SND.MAX when recovery began (RFC 6675 RecoveryPoint)
    // The tail loss probe in flight (RFC 8985 7.4): the SND.MAX it was sent at, and whether it
    // resent data rather than sending new data.
    bool m_probe_outstanding = false;
    bool m_probe_retransmitted = false;
    uint32_t m_probe_end = 0;
    // Eifel (RFC 3522): the timestamp of the first retransmission, until the next new ACK.
    bool m_undo_armed = false;
    uint32_t m_undo_timestamp = 0;
    bool m_rtt_timing = false;
    uint32_t m_rtt_sequence = 0;
    uint64_t m_rtt_started = 0;

    // Timers: 0 when not armed.
    uint64_t m_retransmit_at = 0;
    uint64_t m_delayed_ack_at = 0;
    uint64_t m_persist_at = 0;
    uint64_t m_reorder_at = 0; // RACK's reorder timer (RFC 8985 6.3)
    uint64_t m_probe_at = 0;   // the tail loss probe's timeout (RFC 8985 7.2)
    uint64_t m_keep_alive_at = 0;
    uint64_t m_linger_at = 0; // TIME_WAIT or an orphan's FIN_WAIT_2
    uint64_t m_cork_at = 0;   // a partial segment held by TCP_CORK or MSG_MORE goes then
    bool m_more = false;      // the last send had MSG_MORE
    bool m_cork_expired = false;
    uint32_t m_retransmits = 0;
    uint64_t m_retransmit_since = 0; // when the data being retransmitted first went unanswered
    uint32_t m_persist_backoff = 0;
    uint32_t m_keep_alive_probes = 0;
    uint32_t m_segments_unacked = 0; // of m_mss, received since our last ACK

    // What TCP_INFO reports (RFC 4898's counters, as Linux keeps them).
    struct Counters {
        uint32_t segments_in = 0;
        uint32_t segments_out = 0;
        uint32_t data_segments_in = 0;
        uint32_t data_segments_out = 0;
        uint32_t retransmitted_segments = 0;
        uint64_t bytes_acked = 0;
        uint64_t bytes_received = 0;
        uint64_t bytes_sent = 0; // retransmissions included
        uint64_t bytes_retransmitted = 0;
        uint64_t last_data_sent_ns = 0;
        uint64_t last_data_received_ns = 0;
        uint64_t last_ack_received_ns = 0;
        uint32_t largest_received = 0; // payload, for the peer's MSS as seen
    };
    Counters m_counters;
};

} // namespace kernel::net::tcp
