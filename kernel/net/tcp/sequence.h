// TCP sequence numbers live on a 32-bit circle: "before" and "after" are decided by the signed
// distance, which stays right across the wrap as long as the two are within 2^31 of each other.
#pragma once

#include <stdint.h>

namespace kernel::net::tcp {

constexpr int32_t sequence_distance(uint32_t from, uint32_t to) {
    return static_cast<int32_t>(to - from);
}
constexpr bool sequence_less(uint32_t a, uint32_t b) {
    return sequence_distance(b, a) < 0;
}
constexpr bool sequence_less_equal(uint32_t a, uint32_t b) {
    return sequence_distance(b, a) <= 0;
}
constexpr bool sequence_greater(uint32_t a, uint32_t b) {
    return sequence_less(b, a);
}
constexpr bool sequence_greater_equal(uint32_t a, uint32_t b) {
    return sequence_less_equal(b, a);
}
constexpr uint32_t sequence_max(uint32_t a, uint32_t b) {
    return sequence_less(a, b) ? b : a;
}
// Whether `value` lies in [start, end).
constexpr bool sequence_in_range(uint32_t value, uint32_t start, uint32_t end) {
    return value - start < end - start;
}

} // namespace kernel::net::tcp
