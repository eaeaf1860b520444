// Shared helpers for the unit tests: test inputs built by CMake, file reading, stdio capture and
// a tiny ELF writer for the malformed and hand-shaped programs the error paths need.
#pragma once

#include <elf.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ingot_test {

// Paths of inputs CMake builds before the tests (see CMakeLists.txt).
inline const char* kernel_elf_path() { return INGOT_TEST_KERNEL_ELF; }
inline const char* static_program_path() { return INGOT_TEST_STATIC_PROGRAM; }
inline const char* stripped_program_path() { return INGOT_TEST_STRIPPED_PROGRAM; }
inline const char* static_pie_program_path() { return INGOT_TEST_STATIC_PIE_PROGRAM; }
inline const char* dynamic_program_path() { return INGOT_TEST_DYNAMIC_PROGRAM; }
inline const char* shared_library_path() { return INGOT_TEST_SHARED_LIBRARY; }

// The whole file; fails the calling test (ADD_FAILURE) and returns nothing when unreadable.
std::vector<uint8_t> read_file(const std::string& path);

// Replaces a standard descriptor (0, 1 or 2) by a temporary file while alive.
class RedirectedDescriptor {
public:
    // For stdin, `input` is what reads will see.
    explicit RedirectedDescriptor(int fd, const std::string& input = {});
    ~RedirectedDescriptor();
    RedirectedDescriptor(const RedirectedDescriptor&) = delete;
    RedirectedDescriptor& operator=(const RedirectedDescriptor&) = delete;
    // What was written to the descriptor so far.
    std::string contents() const;

private:
    int m_fd;
    int m_saved;
    int m_file;
};

// An empty pipe as stdin (its write end kept open, so reads would block) while alive.
class EmptyPipeStdin {
public:
    EmptyPipeStdin();
    ~EmptyPipeStdin();
    EmptyPipeStdin(const EmptyPipeStdin&) = delete;
    EmptyPipeStdin& operator=(const EmptyPipeStdin&) = delete;

private:
    int m_saved;
    int m_write_end;
};

struct ElfSegment {
    uint32_t type = PT_LOAD;
    uint32_t flags = PF_R;
    uint64_t virtual_address = 0;
    uint64_t memory_size = 0; // 0: data.size()
    std::vector<uint8_t> data;
};

// An x86-64 ELF: header, program headers right after it, then each segment's data at a file
// offset congruent to its address modulo 4 KiB.
std::vector<uint8_t> make_elf(uint16_t type, uint64_t entry, const std::vector<ElfSegment>& segments);

template <typename T> T read_struct(std::span<const uint8_t> bytes, size_t offset) {
    T value;
    __builtin_memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
}
template <typename T> void write_struct(std::span<uint8_t> bytes, size_t offset, const T& value) {
    __builtin_memcpy(bytes.data() + offset, &value, sizeof value);
}

} // namespace ingot_test
