// The few std pieces a freestanding kernel needs: move, placement new, min/max, alignment.
#pragma once

#include <stddef.h>
#include <stdint.h>

#if defined(INGOT_KERNEL)
inline void* operator new(size_t, void* where) noexcept {
    return where;
}
#else
#include <new>
#endif

namespace ingot::abi {}

namespace kernel {

// The ABI shared with the host tools (include/ingot/abi).
namespace abi = ::ingot::abi;

template <typename T> struct RemoveReference { using Type = T; };
template <typename T> struct RemoveReference<T&> { using Type = T; };
template <typename T> struct RemoveReference<T&&> { using Type = T; };

template <typename T> constexpr typename RemoveReference<T>::Type&& move(T&& value) {
    return static_cast<typename RemoveReference<T>::Type&&>(value);
}

template <typename T> constexpr T min(T a, T b) {
    return a < b ? a : b;
}
template <typename T> constexpr T max(T a, T b) {
    return a < b ? b : a;
}

constexpr uint64_t align_down(uint64_t value, uint64_t alignment) {
    return value & ~(alignment - 1);
}
constexpr uint64_t align_up(uint64_t value, uint64_t alignment) {
    return align_down(value + alignment - 1, alignment);
}
constexpr bool is_aligned(uint64_t value, uint64_t alignment) {
    return (value & (alignment - 1)) == 0;
}

// Storage for a kernel-lifetime object built at boot: never destroyed, so no exit-time
// destructor registration (there is no exit for the kernel).
template <typename T> class Lifelong {
public:
    template <typename... Arguments> T& construct(Arguments&... arguments) {
        return *new (m_storage) T(arguments...);
    }

private:
    alignas(T) unsigned char m_storage[sizeof(T)];
};

// A pack of indices 0..N-1, for expanding one argument per element (std::index_sequence).
template <typename T, T... Values> struct IntegerSequence {};
template <size_t... Indices> using IndexSequence = IntegerSequence<size_t, Indices...>;
#if defined(__clang__)
template <size_t Count>
using MakeIndexSequence = __make_integer_seq<IntegerSequence, size_t, Count>;
#else
template <size_t Count> using MakeIndexSequence = IndexSequence<__integer_pack(Count)...>;
#endif

// Overflow-checked end of [start, start + length).
constexpr bool range_end(uint64_t start, uint64_t length, uint64_t& end) {
    return !__builtin_add_overflow(start, length, &end);
}

} // namespace kernel
