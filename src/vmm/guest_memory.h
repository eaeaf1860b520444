// Guest RAM as the monitor sees it. Every guest-supplied address and length goes through
// `span`, which refuses anything outside RAM: a hostile guest can at worst stop its own VM.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

namespace ingot {

class GuestMemory {
public:
    explicit GuestMemory(uint64_t size);
    ~GuestMemory();
    GuestMemory(const GuestMemory&) = delete;
    GuestMemory& operator=(const GuestMemory&) = delete;

    uint64_t size() const { return m_size; }
    uint8_t* host_base() { return m_base; }

    // The bytes [address, address + length), or nothing when any byte lies outside RAM.
    std::optional<std::span<uint8_t>> span(uint64_t address, uint64_t length);

    template <typename T> std::optional<T> read(uint64_t address) {
        auto bytes = span(address, sizeof(T));
        if (!bytes)
            return std::nullopt;
        T value;
        std::memcpy(&value, bytes->data(), sizeof value);
        return value;
    }

    template <typename T> bool write(uint64_t address, const T& value) {
        auto bytes = span(address, sizeof(T));
        if (!bytes)
            return false;
        std::memcpy(bytes->data(), &value, sizeof value);
        return true;
    }

private:
    uint8_t* m_base = nullptr;
    uint64_t m_size = 0;
};

} // namespace ingot
