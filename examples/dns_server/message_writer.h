// Writing a DNS message: big-endian fields and domain names compressed against the names
// already written (RFC 1035 4.1.4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dns {

class MessageWriter {
public:
    std::size_t size() const { return bytes_.size(); }
    const std::vector<std::uint8_t>& bytes() const { return bytes_; }

    void u8(std::uint8_t value) { bytes_.push_back(value); }
    void u16(std::uint16_t value);
    void u32(std::uint32_t value);
    void raw(const std::uint8_t* data, std::size_t size) {
        bytes_.insert(bytes_.end(), data, data + size);
    }
    void put_u16_at(std::size_t offset, std::uint16_t value);
    void truncate(std::size_t size) { bytes_.resize(size); }

    // A name in dotted form, lower case, without the final dot. Where a suffix of it was
    // written before, a pointer to that suffix ends it.
    void name(const std::string& dotted);
    // Makes a name already in the message (e.g. the question's) available for compression.
    void remember_name(const std::string& dotted, std::size_t offset);
    // Forgets names written at or after `size` (after truncate()).
    void forget_names_from(std::size_t size);

private:
    std::vector<std::uint8_t> bytes_;
    std::vector<std::pair<std::string, std::uint16_t>> suffixes_; // suffix -> its offset
};

} // namespace dns
