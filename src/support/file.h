// Reading whole files, and writing them so that a failure leaves nothing behind.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ingot {

std::vector<uint8_t> read_file(const std::string& path, const char* what);
// Writes to a temporary file beside `path`, then renames it into place.
void write_file_atomically(const std::string& path, std::span<const uint8_t> bytes,
                           bool executable);

// A read-only private mapping of a file, for large inputs read once.
class MappedFile {
public:
    MappedFile(const std::string& path, const char* what);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    std::span<const uint8_t> bytes() const { return {m_data, m_size}; }
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
    const uint8_t* m_data = nullptr;
    size_t m_size = 0;
};

} // namespace ingot
