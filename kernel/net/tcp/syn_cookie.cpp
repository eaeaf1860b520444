#include "net/tcp/syn_cookie.h"

#include "lib/chacha20.h"

namespace kernel::net::tcp {

namespace {

constexpr uint32_t cookie_bits = 24; // below them the MSS index and a hash; above, the minute
constexpr uint32_t cookie_mask = (1u << cookie_bits) - 1;
constexpr uint32_t mss_count = sizeof SynCookies::mss_table / sizeof SynCookies::mss_table[0];

// Linux's TSBITS: the low bits of the timestamp value that carry the options.
constexpr uint32_t timestamp_bits = 6;
constexpr uint32_t timestamp_mask = (1u << timestamp_bits) - 1;
constexpr uint32_t no_window_scale = 0xf;
constexpr uint32_t sack_bit = 1u << 4;
constexpr uint32_t ecn_bit = 1u << 5; // Linux's; Ingot does not negotiate ECN

// Which of the keyed hashes: the same key gives independent values for each use.
enum : uint32_t {
    flow_hash = 0,
    minute_hash = 1,
    timestamp_hash = 2,
    fastopen_hash = 3, // and 4: the cookie's two words
};

} // namespace

void SynCookies::set_key(const uint32_t key[8]) {
    for (int index = 0; index < 8; ++index)
        m_key[index] = key[index];
    m_keyed = true;
}

// ChaCha20 as a keyed pseudo-random function of 128 bits (its counter and nonce), chained over
// the 4-tuple, the minute and the use as CBC-MAC chains a block cipher: each address fills one
// input, the ports and counts the last. Over inputs of one fixed length that is a
// pseudo-random function too, where Linux uses SipHash: a peer that cannot guess the key
// cannot forge a cookie, whichever family its addresses are of.
uint32_t SynCookies::hash(const SynCookieFlow& flow, uint32_t count, uint32_t which) const {
    uint32_t local[4], remote[4];
    for (int index = 0; index < 4; ++index) {
        local[index] = flow.local.v6.word(index);
        remote[index] = flow.remote.v6.word(index);
    }
    uint32_t chain[4] = {};
    uint8_t block[64];
    auto step = [&](const uint32_t(&input)[4]) {
        uint32_t mixed[4];
        for (int index = 0; index < 4; ++index)
            mixed[index] = chain[index] ^ input[index];
        const uint32_t nonce[2] = {mixed[2], mixed[3]};
        chacha20_block(m_key, (uint64_t(mixed[0]) << 32) | mixed[1], nonce, block);
        for (int index = 0; index < 4; ++index)
            chain[index] = uint32_t(block[4 * index]) | (uint32_t(block[4 * index + 1]) << 8) |
                           (uint32_t(block[4 * index + 2]) << 16) |
                           (uint32_t(block[4 * index + 3]) << 24);
    };
    step(local);
    step(remote);
    const uint32_t last[4] = {(uint32_t(flow.local_port) << 16) | flow.remote_port, count, which,
                              0};
    step(last);
    return chain[0];
}

uint32_t SynCookies::make(const SynCookieFlow& flow, uint32_t peer_isn, uint16_t peer_mss,
                          uint64_t now_ns) const {
    uint16_t mss = peer_mss ? peer_mss : mss_table[0];
    uint32_t index = 0;
    while (index + 1 < mss_count && mss_table[index + 1] <= mss)
        ++index;
    auto count = static_cast<uint32_t>(now_ns / period_ns);
    return hash(flow, 0, flow_hash) + peer_isn + (count << cookie_bits) +
           ((hash(flow, count, minute_hash) + index) & cookie_mask);
}

uint16_t SynCookies::check(const SynCookieFlow& flow, uint32_t peer_isn, uint32_t cookie,
                           uint64_t now_ns) const {
    auto count = static_cast<uint32_t>(now_ns / period_ns);
    cookie -= hash(flow, 0, flow_hash) + peer_isn;
    // The minute the cookie claims, as an age: only the low 8 bits of the minute are sent.
    uint32_t age = (count - (cookie >> cookie_bits)) & (~0u >> cookie_bits);
    if (age >= maximum_age)
        return 0;
    uint32_t index = (cookie - hash(flow, count - age, minute_hash)) & cookie_mask;
    return index < mss_count ? mss_table[index] : 0;
}

uint32_t SynCookies::timestamp_offset(const SynCookieFlow& flow) const {
    SynCookieFlow addresses = {flow.local, flow.remote, 0, 0};
    return hash(addresses, 0, timestamp_hash);
}

uint32_t SynCookies::encode_timestamp(uint32_t clock, const SynCookieOptions& options) {
    uint32_t bits = options.window_scaling ? options.window_scale : no_window_scale;
    if (options.sack)
        bits |= sack_bit;
    uint32_t value = (clock & ~timestamp_mask) | bits;
    // Never a time to come: the peer's PAWS and RTT would see our clock jump.
    if (static_cast<int32_t>(value - clock) > 0)
        value -= 1u << timestamp_bits;
    return value;
}

bool SynCookies::decode_timestamp(uint32_t echo, SynCookieOptions& options) {
    if (echo & ecn_bit)
        return false;
    uint32_t scale = echo & no_window_scale;
    options.sack = (echo & sack_bit) != 0;
    options.window_scaling = scale != no_window_scale;
    options.window_scale = options.window_scaling ? static_cast<uint8_t>(scale) : 0;
    return true;
}

// Ports play no part: a client's cookie holds for every connection from its address.
void SynCookies::fastopen_cookie(const IpAddress& client, const IpAddress& server,
                                 uint8_t (&cookie)[fastopen_cookie_length]) const {
    SynCookieFlow flow{server, client, 0, 0};
    for (uint32_t word = 0; word < 2; ++word) {
        uint32_t value = hash(flow, 0, fastopen_hash + word);
        for (int index = 0; index < 4; ++index)
            cookie[4 * word + index] = static_cast<uint8_t>(value >> (8 * index));
    }
}

} // namespace kernel::net::tcp
