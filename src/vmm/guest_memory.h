// Guest RAM as the monitor sees it. Every guest-supplied address and length goes through
// `span`, which refuses anything outside RAM: a hostile guest can at worst stop its own VM.
// On hvt the image's payload lies outside RAM in a read-only region of its own
// (abi::payload_region_physical): `readable` reaches it too, for the crash report's walk of
// the program's pages; `span` never does, so nothing the guest asks can write there.
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

    // The guest sees `bytes` read-only at guest-physical `address` (outside RAM).
    void add_read_only(uint64_t address, std::span<const uint8_t> bytes);
    // The bytes [address, address + length) in RAM or in the read-only region, or nothing when
    // they do not lie wholly in one of them.
    std::optional<std::span<const uint8_t>> readable(uint64_t address, uint64_t length);

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
    uint64_t m_read_only_address = 0;
    std::span<const uint8_t> m_read_only;
};

} // namespace ingot
