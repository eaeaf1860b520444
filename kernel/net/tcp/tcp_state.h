// The connection states of RFC 9293 section 3.3.2.
#pragma once

#include <stdint.h>

namespace kernel::net::tcp {

enum class TcpState : uint8_t {
    closed,
    listen,
    syn_sent,
    syn_received,
    established,
    fin_wait_1,
    fin_wait_2,
    close_wait,
    closing,
    last_ack,
    time_wait,
};

// States after the handshake in which sequence numbers of both sides are known.
constexpr bool is_synchronized(TcpState state) {
    return state >= TcpState::syn_received;
}

const char* tcp_state_name(TcpState state);

} // namespace kernel::net::tcp
